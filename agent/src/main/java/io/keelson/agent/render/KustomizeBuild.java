package io.keelson.agent.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code kustomize build} of one kustomization directory: checked first ({@link KustomizationTree}), then run
 * with Kustomize's root-only load restrictor, Helm enabled only when a {@code helmCharts} entry asks for it
 * (with the pinned Helm and the cluster's version and API versions), and plugins only when trusted.
 */
final class KustomizeBuild {

  static final String TOOL = "kustomize build";

  private final RenderTools tools;
  private final ToolBuild build;

  KustomizeBuild(RenderTools tools, ToolBuild build) {
    this.tools = tools;
    this.build = build;
  }

  /**
   * The cache key of a build: the tree ids of every directory it reads, and what Helm is told when it
   * runs; empty when an id is unknown (nothing is cached then).
   */
  Optional<String> key(KustomizationTree.Inputs inputs, TreeIds ids, ClusterCapabilities cluster) {
    StringBuilder key = new StringBuilder(TOOL);
    for (String directory : inputs.directories()) {
      Optional<String> id = ids.id(directory);
      if (id.isEmpty()) {
        return Optional.empty();
      }
      key.append('|').append(directory).append('=').append(id.get());
    }
    if (inputs.usesHelm()) {
      key.append("|helm ").append(cluster.kubeVersion()).append(' ').append(cluster.apiVersions());
    }
    return Optional.of(key.toString());
  }

  ParsedFile run(Path root, Path directory, KustomizationTree.Inputs inputs, ClusterCapabilities cluster) {
    if (inputs.pulls().isEmpty()) {
      return build(root, directory, inputs, cluster);
    }
    // Charts pulled from a repository go where Kustomize looks for them, in a copy of what the build reads:
    // the checkout stays as Git has it.
    Path staging;
    try {
      staging = Files.createTempDirectory("keelson-kustomize-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory to pull charts into", e);
    }
    try {
      for (String read : inputs.directories()) {
        copy(root.resolve(read), staging.resolve(read));
      }
      for (KustomizationTree.Pull chart : inputs.pulls()) {
        tools.chartSource().pull(chart.repository(), chart.name(), chart.version(), staging.resolve(chart.target()));
      }
      return build(staging, staging.resolve(root.toAbsolutePath().normalize()
          .relativize(directory.toAbsolutePath().normalize()).toString()), inputs, cluster);
    } catch (ChartSource.PullFailed e) {
      return ToolBuild.failed(inputs.file(), e.getMessage());
    } catch (IOException e) {
      return ToolBuild.failed(inputs.file(), "cannot copy the kustomization to pull its charts: " + e.getMessage());
    } finally {
      ToolBuild.delete(staging);
    }
  }

  private ParsedFile build(Path root, Path directory, KustomizationTree.Inputs inputs, ClusterCapabilities cluster) {
    List<String> command = new ArrayList<>(List.of(tools.kustomizeBinary(), "build",
        directory.toAbsolutePath().normalize().toString(), "--load-restrictor", "LoadRestrictionsRootOnly"));
    if (inputs.usesHelm()) {
      command.addAll(List.of("--enable-helm", "--helm-command", ToolEnvironment.executable(tools.helmBinary())));
      if (!cluster.kubeVersion().isEmpty()) {
        command.addAll(List.of("--helm-kube-version", cluster.kubeVersion()));
      }
      cluster.apiVersions().forEach(version -> command.addAll(List.of("--helm-api-versions", version)));
    }
    if (tools.allowPlugins()) {
      command.addAll(List.of("--enable-alpha-plugins", "--enable-exec"));
    }
    return build.run(TOOL, inputs.file(), command, root);
  }

  /** Copies a directory the build reads (symlinks were checked to stay in the repository; their targets are copied). */
  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else if (Files.notExists(target)) {
          Files.createDirectories(target.getParent());
          Files.copy(path, target);
        }
      }
    }
  }
}
