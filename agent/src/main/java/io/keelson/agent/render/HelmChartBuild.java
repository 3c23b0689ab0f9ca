package io.keelson.agent.render;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code helm template} of a chart directory (one holding {@code Chart.yaml}), as Argo CD detects charts:
 * the release is named after the directory, installed into the source's default namespace, with the
 * chart's own {@code values.yaml}; dependencies must be vendored under its {@code charts/}. Values per
 * environment, another release name or a chart repository are declared with Kustomize's {@code helmCharts}.
 */
final class HelmChartBuild {

  static final String TOOL = "helm template";
  static final String CHART_FILE = "Chart.yaml";

  private final RenderTools tools;
  private final ToolBuild build;
  private final String namespace;

  HelmChartBuild(RenderTools tools, ToolBuild build, String namespace) {
    this.tools = tools;
    this.build = build;
    this.namespace = namespace;
  }

  static boolean isChart(Path directory) {
    return Files.isRegularFile(directory.resolve(CHART_FILE));
  }

  /** The chart directory's tree id and everything Helm is told; empty when the id is unknown. */
  Optional<String> key(String directory, TreeIds ids, ClusterCapabilities cluster) {
    return ids.id(directory).map(id -> TOOL + "|" + directory + "=" + id + "|" + namespace + "|"
        + cluster.kubeVersion() + " " + cluster.apiVersions());
  }

  ParsedFile run(Path root, Path directory, String chartFile, ClusterCapabilities cluster) {
    Path chart = directory.toAbsolutePath().normalize();
    List<String> command = new ArrayList<>(List.of(tools.helmBinary(), "template", releaseName(chart),
        chart.toString(), "--namespace", namespace));
    if (!cluster.kubeVersion().isEmpty()) {
      command.addAll(List.of("--kube-version", cluster.kubeVersion()));
    }
    cluster.apiVersions().forEach(version -> command.addAll(List.of("--api-versions", version)));
    return build.run(TOOL, chartFile, command, root);
  }

  private static String releaseName(Path chart) {
    Path name = chart.getFileName();
    return name == null ? "release" : name.toString();
  }
}
