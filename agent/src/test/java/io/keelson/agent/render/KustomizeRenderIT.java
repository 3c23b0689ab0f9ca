package io.keelson.agent.render;

import static io.keelson.agent.render.RenderedObjects.errors;
import static io.keelson.agent.render.RenderedObjects.find;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.Origin;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.model.Rendered;
import io.keelson.agent.render.sops.SopsDecryptor;
import io.keelson.agent.render.sops.SopsKeys;
import io.keelson.testkit.SopsCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kustomize render stage with the pinned Kustomize binary on real files. */
class KustomizeRenderIT {

  @TempDir
  Path dir;

  private Path root() {
    return dir.resolve("repo");
  }

  private Tree tree() {
    return new Tree(root());
  }

  private Rendered render(RenderTools tools, String... paths) {
    return new ManifestRenderer(RenderOptions.defaults("apps").withTools(tools)).render(root(), List.of(paths),
        Kinds.CLUSTER);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(DesiredObject object) {
    return (Map<String, Object>) object.object().getAdditionalProperties().get("spec");
  }

  /** A base, a component and a production overlay using each transformer users rely on. */
  private void shop() {
    tree()
        .file("base/kustomization.yaml", """
            resources: [deployment.yaml, service.yaml]
            configMapGenerator:
              - name: cart-settings
                literals: [MODE=base]
            """)
        .file("base/deployment.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: cart, labels: {app: cart}}
            spec:
              replicas: 1
              selector: {matchLabels: {app: cart}}
              template:
                metadata: {labels: {app: cart}}
                spec:
                  containers:
                    - name: cart
                      image: registry.example/cart:1.0.0
                      envFrom: [{configMapRef: {name: cart-settings}}]
            """)
        .file("base/service.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: cart}
            spec:
              selector: {app: cart}
              ports: [{port: 80}]
            """)
        .file("components/tracing/kustomization.yaml", """
            apiVersion: kustomize.config.k8s.io/v1alpha1
            kind: Component
            patches:
              - target: {kind: Deployment}
                patch: |-
                  - op: add
                    path: /spec/template/metadata/annotations
                    value: {tracing.example/enabled: "true"}
            """)
        .file("overlays/prod/kustomization.yaml", """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            namespace: shop
            namePrefix: prod-
            resources: [../../base]
            components: [../../components/tracing]
            images:
              - name: registry.example/cart
                newTag: 1.5.0
            replicas:
              - name: cart
                count: 3
            patches:
              - path: resources.yaml
              - target: {kind: Service, name: cart}
                patch: |-
                  - op: replace
                    path: /spec/ports/0/port
                    value: 8080
            configMapGenerator:
              - name: cart-settings
                behavior: merge
                literals: [MODE=prod]
            """)
        .file("overlays/prod/resources.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: cart}
            spec:
              template:
                spec:
                  containers:
                    - name: cart
                      resources: {limits: {memory: 256Mi}}
            """);
  }

  @Test
  @SuppressWarnings("unchecked")
  void buildsAnOverlayWithBasesComponentsPatchesImagesReplicasAndGenerators() {
    shop();

    Rendered rendered = render(PinnedTools.kustomizeOnly(), "overlays/prod");

    assertThat(errors(rendered)).isEmpty();
    DesiredObject cart = find(rendered, "Deployment shop/prod-cart");
    assertThat(spec(cart)).containsEntry("replicas", 3);
    Map<String, Object> template = (Map<String, Object>) spec(cart).get("template");
    assertThat(((Map<String, Object>) template.get("metadata")).get("annotations"))
        .isEqualTo(Map.of("tracing.example/enabled", "true"));
    Map<String, Object> container = ((List<Map<String, Object>>) ((Map<String, Object>) template.get("spec"))
        .get("containers")).get(0);
    assertThat(container).containsEntry("image", "registry.example/cart:1.5.0")
        .containsEntry("resources", Map.of("limits", Map.of("memory", "256Mi")));
    DesiredObject settings = rendered.objects().stream()
        .filter(o -> o.ref().kind().equals("ConfigMap")).findFirst().orElseThrow();
    // The generator's hash suffix, and every reference to it rewritten.
    assertThat(settings.ref().name()).matches("prod-cart-settings-[a-z0-9]{10}");
    assertThat(settings.object().getAdditionalProperties().get("data")).isEqualTo(Map.of("MODE", "prod"));
    assertThat(container.get("envFrom")).isEqualTo(List.of(Map.of("configMapRef",
        Map.of("name", settings.ref().name()))));
    assertThat(spec(find(rendered, "Service shop/prod-cart")).get("ports"))
        .isEqualTo(List.of(Map.of("port", 8080)));
    // Origins name the kustomization and the document of its output.
    assertThat(cart.origin().file()).isEqualTo("overlays/prod/kustomization.yaml");
    assertThat(cart.origin().line()).isZero();
    assertThat(cart.origin().document()).isPositive();
  }

  @Test
  void aPathWithoutAKustomizationKeepsThePlainRender() {
    shop();

    Rendered rendered = render(PinnedTools.kustomizeOnly(), "overlays/prod/resources.yaml");

    // Read as a plain manifest: a partial Deployment, and no Kustomize involved.
    assertThat(errors(rendered)).isEmpty();
    assertThat(rendered.objects()).extracting(o -> o.ref().toString()).containsExactly("Deployment apps/cart");
  }

  @Test
  void kustomizesOwnErrorNamesTheKustomizationWithoutTheCheckoutsLocation() {
    tree().file("app2/kustomization.yaml", "resources: [cm.yaml]\npatches: [{path: patch.yaml}]\n")
        .file("app2/cm.yaml", Tree.configMap("settings"))
        .file("app2/patch.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: missing}\n");

    Rendered rendered = render(PinnedTools.kustomizeOnly(), "app2");

    assertThat(rendered.objects()).isEmpty();
    assertThat(rendered.errors()).hasSize(1);
    RenderError error = rendered.errors().get(0);
    assertThat(error.origin()).isEqualTo(Origin.ofFile("app2/kustomization.yaml"));
    assertThat(error.reason()).startsWith("kustomize build failed: ").contains("missing")
        .doesNotContain(root().toString());
  }

  @Test
  void aRemoteBaseIsRefusedBeforeKustomizeRuns() {
    tree().file("app/kustomization.yaml", """
        resources:
          - cm.yaml
          - https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v1.0.6
          - github.com/example/config/base?ref=main
        """).file("app/cm.yaml", Tree.configMap("settings"));

    Rendered rendered = render(PinnedTools.kustomizeOnly(), "app");

    assertThat(errors(rendered)).containsExactlyInAnyOrder(
        "app/kustomization.yaml: resources entry "
            + "https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v1.0.6 is remote; this source"
            + " does not allow fetching remote bases (vendor it into the repository)",
        "app/kustomization.yaml: resources entry github.com/example/config/base?ref=main is remote; this"
            + " source does not allow fetching remote bases (vendor it into the repository)");
  }

  @Test
  void withoutNetworkTrustKustomizeRunsBehindAProxyThatGoesNowhere() {
    // A plain file URL as a resource, declared in a base the check is told to trust: the tool itself must
    // not reach the network either.
    tree().file("app/kustomization.yaml", "resources: [cm.yaml]\n").file("app/cm.yaml", Tree.configMap("x"));
    ToolBuild build = new ToolBuild(PinnedTools.kustomizeOnly(), 50);

    ParsedFile parsed = build.run("kustomize build", "app/kustomization.yaml", List.of(PinnedTools.kustomize(),
        "build", "https://example.invalid/config//app?ref=main"), root());

    assertThat(parsed.documents()).isEmpty();
    assertThat(parsed.errors()).singleElement().satisfies(error -> assertThat(error.reason())
        .startsWith("kustomize build failed: "));
  }

  @Test
  void aBaseOutsideTheRepositoryIsRefused() throws IOException {
    new Tree(dir).file("outside/kustomization.yaml", "resources: [secret.yaml]\n")
        .file("outside/secret.yaml", Tree.configMap("stolen"));
    tree().file("app/kustomization.yaml", "resources: [../../outside, /etc]\n");

    Rendered rendered = render(PinnedTools.kustomizeOnly(), "app");

    assertThat(errors(rendered)).containsExactly(
        "app/kustomization.yaml: resources entry ../../outside is outside the repository; only files in the"
            + " repository are read",
        "app/kustomization.yaml: resources entry /etc is outside the repository; only files in the repository"
            + " are read");
  }

  @Test
  void aSymlinkLeavingTheRepositoryIsRefused() throws IOException {
    new Tree(dir).file("outside/cm.yaml", Tree.configMap("stolen"));
    tree().file("app/kustomization.yaml", "resources: [cm.yaml]\n");
    Files.createSymbolicLink(root().resolve("app/cm.yaml"), dir.resolve("outside/cm.yaml"));

    Rendered rendered = render(PinnedTools.kustomizeOnly(), "app");

    assertThat(errors(rendered)).containsExactly(
        "app/cm.yaml: symlink points outside the repository (read by app/kustomization.yaml)");
  }

  @Test
  void aFileOutsideTheKustomizationsDirectoryIsRefusedByTheLoadRestrictor() {
    tree().file("shared/patch.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n")
        .file("app/cm.yaml", Tree.configMap("settings"))
        .file("app/kustomization.yaml", "resources: [cm.yaml]\npatches: [{path: ../shared/patch.yaml}]\n");

    Rendered rendered = render(PinnedTools.kustomizeOnly(), "app");

    assertThat(rendered.errors()).singleElement().satisfies(error -> {
      assertThat(error.origin().file()).isEqualTo("app/kustomization.yaml");
      assertThat(error.reason()).startsWith("kustomize build failed: ").contains("security; file")
          .contains("shared/patch.yaml");
    });
  }

  @Test
  void aBuildPastItsDeadlineIsStopped() throws IOException {
    tree().file("app/kustomization.yaml", "resources: []\n");
    Path hanging = dir.resolve("hanging-kustomize");
    Files.writeString(hanging, "#!/bin/sh\nexec /bin/sleep 600\n");
    hanging.toFile().setExecutable(true);

    Rendered rendered = render(RenderTools.defaults().withBinaries(hanging.toString(), "helm")
        .withLimits(Duration.ofSeconds(1), RenderTools.DEFAULT_MAX_OUTPUT_BYTES), "app");

    assertThat(errors(rendered)).containsExactly(
        "app/kustomization.yaml: kustomize build did not finish within 1 s and was stopped");
  }

  @Test
  void aBuildPrintingPastTheLimitIsStopped() {
    tree().file("app/kustomization.yaml", "configMapGenerator: [{name: big, literals: [KEY=" + "x".repeat(5000)
        + "]}]\n");

    Rendered rendered = render(PinnedTools.kustomizeOnly().withLimits(Duration.ofSeconds(60), 1000), "app");

    assertThat(errors(rendered)).containsExactly(
        "app/kustomization.yaml: kustomize build printed more than the limit of 1000 bytes and was stopped");
  }

  @Test
  void aMissingBinaryNamesTheSetting() {
    tree().file("app/kustomization.yaml", "resources: []\n");

    Rendered rendered = render(RenderTools.defaults().withBinaries("/nonexistent/kustomize", "helm"), "app");

    assertThat(errors(rendered)).singleElement().asString().startsWith("app/kustomization.yaml: kustomize build"
        + " could not be started (render.kustomizeBinary = /nonexistent/kustomize): ");
  }

  @Test
  void outputGoesThroughTheSameValidationAsPlainFiles() {
    tree().file("app/kustomization.yaml", "resources: [a.yaml]\n")
        .file("app/a.yaml", Tree.configMap("settings"))
        .file("plain/a.yaml", Tree.configMap("settings"));

    Rendered rendered = render(PinnedTools.kustomizeOnly(), "app", "plain");

    assertThat(errors(rendered)).containsExactly("plain/a.yaml:1 (document 1): ConfigMap apps/settings is declared"
        + " twice: at app/kustomization.yaml (document 1) and at plain/a.yaml:1 (document 1)");
  }

  @Test
  void aCommitNotTouchingAKustomizationsInputsDoesNotBuildItAgain() {
    shop();
    tree().file("other/cm.yaml", Tree.configMap("other"));
    ManifestRenderer renderer = new ManifestRenderer(RenderOptions.defaults("apps")
        .withTools(PinnedTools.kustomizeOnly()));
    Map<String, String> first = Map.of("overlays/prod", "t1", "base", "t2", "components/tracing", "t3",
        "other/cm.yaml", "b1");

    Rendered cold = renderer.render(root(), List.of("overlays/prod", "other"), Kinds.CLUSTER,
        ClusterCapabilities.NONE, TreeIds.of("r1", first));
    long afterCold = renderer.unitsRendered();
    Map<String, String> otherChanged = new java.util.HashMap<>(first);
    otherChanged.put("other/cm.yaml", "b2");
    Rendered warm = renderer.render(root(), List.of("overlays/prod", "other"), Kinds.CLUSTER,
        ClusterCapabilities.NONE, TreeIds.of("r2", otherChanged));
    long afterOtherCommit = renderer.unitsRendered();
    Map<String, String> baseChanged = new java.util.HashMap<>(otherChanged);
    baseChanged.put("base", "t4");
    renderer.render(root(), List.of("overlays/prod", "other"), Kinds.CLUSTER, ClusterCapabilities.NONE,
        TreeIds.of("r3", baseChanged));

    assertThat(errors(cold)).isEmpty();
    assertThat(afterCold).isEqualTo(2);
    assertThat(afterOtherCommit - afterCold).as("only the changed plain file").isEqualTo(1);
    assertThat(warm.objects()).hasSameSizeAs(cold.objects());
    assertThat(renderer.unitsRendered() - afterOtherCommit).as("the base changed: the overlay again").isEqualTo(1);
  }

  /**
   * Kustomize keeps a resource's top-level sops field, so an encrypted file listed in a kustomization is
   * decrypted from the build's output; a transformer that changes its values breaks its MAC, which is an error.
   */
  @Test
  void aSopsFileListedInAKustomizationIsDecryptedFromTheBuild(@TempDir Path work) throws Exception {
    String sentinel = "hunter2-kustomize-sentinel";
    try (SopsCli cli = SopsCli.in(work)) {
      SopsCli.AgeKey key = cli.ageKey("kustomize");
      String encrypted = cli.encrypt("db.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\n"
          + "stringData: {password: " + sentinel + "}\n", "--age", key.recipient(), "--encrypted-regex",
          "^stringData$");
      tree().file("app/kustomization.yaml", "resources: [db.yaml, settings.yaml]\n")
          .file("app/db.yaml", encrypted).file("app/settings.yaml", Tree.configMap("settings"))
          .file("prefixed/kustomization.yaml", "namePrefix: prod-\nresources: [db.yaml]\n")
          .file("prefixed/db.yaml", encrypted);
      ManifestRenderer renderer = new ManifestRenderer(RenderOptions.defaults("apps")
          .withTools(PinnedTools.kustomizeOnly()), List.of(new SopsStage(SopsDecryptor.with(
          SopsKeys.load(key.file(), null)))));

      Rendered rendered = renderer.render(root(), List.of("app"), Kinds.CLUSTER);

      assertThat(errors(rendered)).isEmpty();
      DesiredObject secret = find(rendered, "Secret apps/db");
      assertThat(secret.object().getAdditionalProperties()).containsEntry("stringData", Map.of("password", sentinel))
          .doesNotContainKey("sops");
      assertThat(secret.origin().file()).isEqualTo("app/kustomization.yaml");

      Rendered prefixed = renderer.render(root(), List.of("prefixed"), Kinds.CLUSTER);

      assertThat(prefixed.objects()).isEmpty();
      assertThat(errors(prefixed)).containsExactly(
          "prefixed/kustomization.yaml (document 1): its MAC does not match its content: the file was altered"
              + " after encryption");
      assertThat(new ManifestRenderer(RenderOptions.defaults("apps").withTools(PinnedTools.kustomizeOnly()))
          .render(root(), List.of("app"), Kinds.CLUSTER).errors()).extracting(RenderError::toString)
          .singleElement().asString().startsWith("app/kustomization.yaml (document 2): it is encrypted with SOPS")
          .doesNotContain(sentinel);
    }
  }
}
