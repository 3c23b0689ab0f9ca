package io.keelson.agent.render;

import io.keelson.agent.model.Origin;
import io.keelson.agent.model.RenderError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads a kustomization and every local kustomization it builds on before Kustomize runs, to refuse what
 * Kustomize would allow: a base or component outside the repository (Kustomize's root-only load
 * restrictor confines files to each kustomization's own directory, but not directories it names as
 * resources), a symlink leaving the repository, and, unless the source trusts the network, a remote base
 * or a chart to be pulled from a repository. What it visits is exactly what the build reads, so it also
 * names the directories the render cache keys on.
 */
final class KustomizationTree {

  /** Kustomize's own file names, in the order it looks for them. */
  static final List<String> FILE_NAMES = List.of("kustomization.yaml", "kustomization.yml", "Kustomization");

  /** Fields whose entries may name another kustomization directory (or a remote one). */
  private static final List<String> REFERENCE_FIELDS = List.of("resources", "bases", "components",
      "generators", "transformers", "validators");

  /**
   * What the build will read.
   *
   * @param file the top kustomization file, relative to the root (forward slashes)
   * @param directories every local directory the build reads (kustomizations, and a chart home beside them),
   *     relative to the root, in visit order
   * @param usesHelm whether any of them declares {@code helmCharts}
   * @param pulls charts the agent pulls from a configured chart repository before the build
   */
  record Inputs(String file, List<String> directories, boolean usesHelm, List<Pull> pulls,
      List<RenderError> errors) {}

  /**
   * A {@code helmCharts} entry from a configured chart repository, not vendored: unpacked at
   * {@code <directory>/<chartHome>/<name>-<version>/}, where Kustomize looks for a chart with a repo and a
   * version.
   */
  record Pull(String directory, String chartHome, String name, String version, ChartRepository repository) {
    String target() {
      return directory + "/" + chartHome + "/" + name + "-" + version;
    }
  }

  private final Path root;
  private final Path realRoot;
  private final YamlDocuments yaml;
  private final long maxFileBytes;
  private final boolean allowNetwork;
  private final RenderTools tools;

  KustomizationTree(Path root, YamlDocuments yaml, long maxFileBytes, RenderTools tools) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.realRoot = this.root.toRealPath();
    this.yaml = yaml;
    this.maxFileBytes = maxFileBytes;
    this.allowNetwork = tools.allowNetwork();
    this.tools = tools;
  }

  /** The kustomization file in {@code directory}, if it has one. */
  static Optional<Path> fileIn(Path directory) {
    return FILE_NAMES.stream().map(directory::resolve).filter(Files::isRegularFile).findFirst();
  }

  Inputs read(Path directory) {
    Walk walk = new Walk();
    walk.visit(directory.toAbsolutePath().normalize());
    String top = name(fileIn(directory).orElse(directory));
    return new Inputs(top, List.copyOf(walk.directories), walk.usesHelm, List.copyOf(walk.pulls), walk.errors);
  }

  private final class Walk {
    private final Set<String> directories = new LinkedHashSet<>();
    private final List<RenderError> errors = new ArrayList<>();
    private final List<Pull> pulls = new ArrayList<>();
    private boolean usesHelm;

    void visit(Path directory) {
      if (!directories.add(name(directory))) {
        return;
      }
      Optional<Path> file = fileIn(directory);
      if (file.isEmpty()) {
        return; // Kustomize reports a directory resource without a kustomization itself.
      }
      String fileName = name(file.get());
      checkSymlinks(directory, fileName);
      Map<?, ?> kustomization = parse(file.get(), fileName);
      if (kustomization == null) {
        return;
      }
      for (String field : REFERENCE_FIELDS) {
        for (Object entry : list(kustomization.get(field))) {
          if (entry instanceof String reference) {
            reference(directory, fileName, field, reference.strip());
          }
        }
      }
      List<?> charts = list(kustomization.get("helmCharts"));
      if (!charts.isEmpty()) {
        usesHelm = true;
        Object globals = kustomization.get("helmGlobals");
        Object declaredHome = globals instanceof Map<?, ?> map ? map.get("chartHome") : null;
        String chartHome = declaredHome instanceof String home ? home : "charts";
        chartHome(directory, fileName, chartHome);
        for (Object chart : charts) {
          if (chart instanceof Map<?, ?> declared) {
            chart(directory, fileName, declared, chartHome);
          }
        }
      }
    }

    private void reference(Path directory, String fileName, String field, String reference) {
      if (looksRemote(reference)) {
        if (!allowNetwork) {
          errors.add(new RenderError(Origin.ofFile(fileName), field + " entry " + reference
              + " is remote; this source does not allow fetching remote bases (vendor it into the repository)"));
        }
        return;
      }
      Path target;
      try {
        target = directory.resolve(reference).normalize();
      } catch (InvalidPathException e) {
        errors.add(new RenderError(Origin.ofFile(fileName), field + " entry " + reference + " is not a valid path"));
        return;
      }
      // A symlinked file is reported by the walk of its directory; a directory is followed here.
      if (Path.of(reference).isAbsolute() || !target.startsWith(root)
          || Files.isDirectory(target) && !insideRealRoot(target)) {
        errors.add(new RenderError(Origin.ofFile(fileName), field + " entry " + reference
            + " is outside the repository; only files in the repository are read"));
        return;
      }
      if (!Files.exists(target)) {
        errors.add(new RenderError(Origin.ofFile(fileName), field + " entry " + reference + " does not exist"));
        return;
      }
      if (Files.isDirectory(target)) {
        visit(target);
      }
    }

    /**
     * Helm reads charts from {@code chartHome} wherever it points, past the load restrictor: it must stay in the
     * repository, and a directory beside the kustomization's own is read, so the render cache keys on it too.
     */
    private void chartHome(Path directory, String fileName, String chartHome) {
      Path home;
      try {
        home = directory.resolve(chartHome).normalize();
      } catch (InvalidPathException e) {
        errors.add(new RenderError(Origin.ofFile(fileName), "helmGlobals.chartHome " + chartHome
            + " is not a valid path"));
        return;
      }
      if (Path.of(chartHome).isAbsolute() || !home.startsWith(root) || !insideRealRoot(home)) {
        errors.add(new RenderError(Origin.ofFile(fileName), "helmGlobals.chartHome " + chartHome
            + " is outside the repository; only charts in the repository are read"));
      } else if (!home.startsWith(directory) && Files.isDirectory(home) && directories.add(name(home))) {
        checkSymlinks(home, fileName);
      }
    }

    private void chart(Path directory, String fileName, Map<?, ?> chart, String chartHome) {
      Object name = chart.get("name");
      Object repo = chart.get("repo");
      Object version = chart.get("version");
      if (!(name instanceof String chartName) || repo == null) {
        return;
      }
      Path home = directory.resolve(chartHome).normalize();
      boolean vendored = Files.isDirectory(home.resolve(chartName))
          || version instanceof String v && Files.isDirectory(home.resolve(chartName + "-" + v).resolve(chartName));
      Optional<ChartRepository> configured = tools.chartRepository(String.valueOf(repo));
      if (vendored) {
        return;
      }
      if (configured.isPresent()) {
        if (!(version instanceof String exact) || exact.isBlank()) {
          errors.add(new RenderError(Origin.ofFile(fileName), "helmCharts " + chartName + " from " + repo
              + " needs a version to be pulled"));
        } else if (!home.startsWith(directory) || chartName.contains("/") || exact.contains("/")) {
          errors.add(new RenderError(Origin.ofFile(fileName), "helmCharts " + chartName
              + " cannot be pulled outside the kustomization's directory"));
        } else {
          pulls.add(new Pull(name(directory), directory.relativize(home).toString().replace('\\', '/'), chartName,
              exact, configured.get()));
        }
      } else if (!allowNetwork) {
        errors.add(new RenderError(Origin.ofFile(fileName), "helmCharts " + chartName + " would be pulled from "
            + repo + "; this source does not allow network access (vendor the chart under " + chartHome + "/,"
            + " or configure the chart repository)"));
      }
    }

    private void checkSymlinks(Path directory, String fileName) {
      try (Stream<Path> files = Files.walk(directory)) {
        files.filter(Files::isSymbolicLink).filter(link -> !insideRealRoot(link)).findFirst().ifPresent(link ->
            errors.add(new RenderError(Origin.ofFile(name(link)),
                "symlink points outside the repository (read by " + fileName + ")")));
      } catch (IOException | RuntimeException e) {
        errors.add(new RenderError(Origin.ofFile(name(directory)), "directory cannot be read"));
      }
    }

    private Map<?, ?> parse(Path file, String fileName) {
      String text;
      try {
        if (Files.size(file) > maxFileBytes) {
          errors.add(new RenderError(Origin.ofFile(fileName), "file is over the limit of " + maxFileBytes
              + " bytes per file"));
          return null;
        }
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        errors.add(new RenderError(Origin.ofFile(fileName), "file cannot be read"));
        return null;
      }
      ParsedFile parsed = yaml.parse(fileName, text);
      errors.addAll(parsed.errors());
      return parsed.documents().isEmpty() || !(parsed.documents().get(0).content() instanceof Map<?, ?> map)
          ? null : map;
    }
  }

  /** As Kustomize tells them apart: a URL, an scp-like Git address, or a well-known Git host path. */
  static boolean looksRemote(String reference) {
    String lower = reference.toLowerCase(Locale.ROOT);
    return lower.contains("://") || lower.startsWith("git@") || lower.startsWith("github.com/")
        || lower.startsWith("gitlab.com/") || lower.startsWith("bitbucket.org/") || lower.contains("?ref=")
        || lower.contains(".git/") || lower.endsWith(".git");
  }

  private boolean insideRealRoot(Path path) {
    try {
      return !Files.exists(path) || path.toRealPath().startsWith(realRoot);
    } catch (IOException e) {
      return false;
    }
  }

  private static List<?> list(Object value) {
    return value instanceof List<?> list ? list : List.of();
  }

  private String name(Path path) {
    String relative = root.relativize(path.toAbsolutePath().normalize()).toString().replace('\\', '/');
    return relative.isEmpty() ? "." : relative;
  }
}
