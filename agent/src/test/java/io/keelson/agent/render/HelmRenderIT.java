package io.keelson.agent.render;

import static io.keelson.agent.render.RenderedObjects.errors;
import static io.keelson.agent.render.RenderedObjects.find;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.Rendered;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Helm charts, as a chart directory and through Kustomize's helmCharts, with the pinned Helm and Kustomize. */
class HelmRenderIT {

  private static final ClusterCapabilities CLUSTER = new ClusterCapabilities() {
    @Override
    public String kubeVersion() {
      return "v1.36.3";
    }

    @Override
    public List<String> apiVersions() {
      return List.of("monitoring.coreos.com/v1");
    }
  };

  @TempDir
  Path root;

  private Rendered render(String... paths) {
    return new ManifestRenderer(RenderOptions.defaults("apps").withTools(PinnedTools.both()))
        .render(root, List.of(paths), Kinds.CLUSTER, CLUSTER, TreeIds.NONE);
  }

  /** A chart with a vendored dependency, a hook, and templates reading values and capabilities. */
  private void chart(String at) {
    new Tree(root)
        .file(at + "/Chart.yaml", """
            apiVersion: v2
            name: web
            version: 0.1.0
            dependencies:
              - name: common
                version: 0.1.0
            """)
        .file(at + "/values.yaml", "replicas: 2\ngreeting: hello\n")
        .file(at + "/templates/deployment.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {{ .Release.Name }}
              annotations:
                example/kube-version: {{ .Capabilities.KubeVersion.Version | quote }}
                example/monitoring: {{ .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" | quote }}
            spec:
              replicas: {{ .Values.replicas }}
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: "web:1", env: [{name: GREETING, value: {{ .Values.greeting | quote }}}]}]
            """)
        .file(at + "/templates/migrate.yaml", """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: {{ .Release.Name }}-migrate
              annotations: {"helm.sh/hook": pre-install}
            spec:
              template: {spec: {restartPolicy: Never, containers: [{name: m, image: "web:1"}]}}
            """)
        .file(at + "/charts/common/Chart.yaml", "apiVersion: v2\nname: common\nversion: 0.1.0\n")
        .file(at + "/charts/common/templates/settings.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: {{ .Release.Name }}-common, namespace: {{ .Release.Namespace }}}
            data: {from: dependency}
            """);
  }

  @Test
  @SuppressWarnings("unchecked")
  void aChartDirectoryIsRenderedWithItsValuesDependenciesAndTheClustersCapabilities() {
    chart("charts/web");

    Rendered rendered = render("charts/web");

    assertThat(errors(rendered)).isEmpty();
    DesiredObject web = find(rendered, "Deployment apps/web");
    assertThat(web.object().getMetadata().getAnnotations())
        .containsEntry("example/kube-version", "v1.36.3")
        .containsEntry("example/monitoring", "true");
    assertThat(((Map<String, Object>) web.object().getAdditionalProperties().get("spec")).get("replicas"))
        .isEqualTo(2);
    assertThat(web.origin().file()).isEqualTo("charts/web/Chart.yaml");
    assertThat(find(rendered, "ConfigMap apps/web-common").object().getAdditionalProperties().get("data"))
        .isEqualTo(Map.of("from", "dependency"));
  }

  @Test
  void helmHooksAreLeftOutWithANote() {
    chart("charts/web");

    Rendered rendered = render("charts/web");

    assertThat(rendered.objects()).extracting(o -> o.ref().kind()).doesNotContain("Job");
    assertThat(rendered.notes()).singleElement().asString()
        .startsWith("charts/web/Chart.yaml (document ")
        .endsWith("Job web-migrate (helm.sh/hook: pre-install) is a Helm hook; Keelson has no install or upgrade"
            + " phases to run it in, so it is not applied");
  }

  @Test
  void aMissingDependencyIsHelmsErrorAtTheChart() {
    chart("charts/web");
    new Tree(root).file("charts/web/Chart.yaml", """
        apiVersion: v2
        name: web
        version: 0.1.0
        dependencies: [{name: absent, version: 1.0.0, repository: "https://charts.example"}]
        """);

    Rendered rendered = render("charts/web");

    assertThat(rendered.errors()).singleElement().satisfies(error -> {
      assertThat(error.origin().file()).isEqualTo("charts/web/Chart.yaml");
      assertThat(error.reason()).startsWith("helm template failed: ").contains("absent");
    });
  }

  @Test
  @SuppressWarnings("unchecked")
  void kustomizesHelmChartsTakesReleaseNamespaceValuesFilesAndInlineValues() {
    chart("envs/prod/charts/web");
    new Tree(root)
        .file("envs/prod/kustomization.yaml", """
            helmCharts:
              - name: web
                releaseName: shop-web
                namespace: shop
                valuesFile: values-prod.yaml
                valuesInline: {greeting: inline}
            """)
        .file("envs/prod/values-prod.yaml", "replicas: 5\n");

    Rendered rendered = render("envs/prod");

    assertThat(errors(rendered)).isEmpty();
    // The namespace reaches what the templates place with .Release.Namespace, as with helm template.
    assertThat(find(rendered, "ConfigMap shop/shop-web-common")).isNotNull();
    DesiredObject web = find(rendered, "Deployment apps/shop-web");
    Map<String, Object> spec = (Map<String, Object>) web.object().getAdditionalProperties().get("spec");
    assertThat(spec.get("replicas")).isEqualTo(5);
    assertThat(spec.toString()).contains("value=inline");
    assertThat(web.object().getMetadata().getAnnotations()).containsEntry("example/kube-version", "v1.36.3");
    assertThat(web.origin().file()).isEqualTo("envs/prod/kustomization.yaml");
    assertThat(rendered.objects()).extracting(o -> o.ref().kind()).doesNotContain("Job");
  }

  @Test
  void aChartToBePulledFromARepositoryIsRefusedWithoutNetworkTrust() {
    new Tree(root).file("envs/prod/kustomization.yaml", """
        helmCharts:
          - name: podinfo
            repo: https://stefanprodan.github.io/podinfo
            version: 6.7.0
        """);

    Rendered rendered = render("envs/prod");

    assertThat(errors(rendered)).containsExactly("envs/prod/kustomization.yaml: helmCharts podinfo would be pulled"
        + " from https://stefanprodan.github.io/podinfo; this source does not allow network access (vendor the"
        + " chart under charts/, or configure the chart repository)");
  }
  /**
   * Per-environment values with one chart: the chart beside the overlays ({@code helmGlobals.chartHome}), which
   * Helm reads past Kustomize's load restrictor. A change to it builds the overlay again; a chart home outside
   * the repository is refused.
   */
  @Test
  void aChartHomeBesideTheOverlayIsKeyedByTheCacheAndMayNotLeaveTheRepository() {
    chart("charts/web");
    new Tree(root)
        .file("overlays/prod/kustomization.yaml", """
            helmGlobals: {chartHome: ../../charts}
            helmCharts: [{name: web, releaseName: web, valuesFile: values.yaml}]
            """)
        .file("overlays/prod/values.yaml", "replicas: 4\n")
        .file("overlays/escape/kustomization.yaml", """
            helmGlobals: {chartHome: ../../../elsewhere}
            helmCharts: [{name: web, releaseName: web}]
            """);
    ManifestRenderer renderer = new ManifestRenderer(RenderOptions.defaults("apps").withTools(PinnedTools.both()));
    Map<String, String> ids = new java.util.HashMap<>(Map.of("overlays/prod", "t1", "charts", "t2"));

    Rendered cold = renderer.render(root, List.of("overlays/prod"), Kinds.CLUSTER, CLUSTER, TreeIds.of("r1", ids));
    renderer.render(root, List.of("overlays/prod"), Kinds.CLUSTER, CLUSTER, TreeIds.of("r2", ids));
    long afterSameTrees = renderer.unitsRendered();
    ids.put("charts", "t3");
    renderer.render(root, List.of("overlays/prod"), Kinds.CLUSTER, CLUSTER, TreeIds.of("r3", ids));

    assertThat(errors(cold)).isEmpty();
    assertThat(find(cold, "Deployment apps/web").object().getAdditionalProperties().get("spec").toString())
        .contains("replicas=4");
    assertThat(afterSameTrees).as("built once for the same trees").isEqualTo(1);
    assertThat(renderer.unitsRendered() - afterSameTrees).as("the chart changed: built again").isEqualTo(1);
    assertThat(errors(render("overlays/escape"))).containsExactly("overlays/escape/kustomization.yaml:"
        + " helmGlobals.chartHome ../../../elsewhere is outside the repository;"
        + " only charts in the repository are read");
  }
}
