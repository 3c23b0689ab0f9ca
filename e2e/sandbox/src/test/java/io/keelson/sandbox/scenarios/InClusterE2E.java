package io.keelson.sandbox.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.RouterKind;
import io.keelson.testkit.AuditLog;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.ProjectTools;
import io.keelson.testkit.Rendered;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The agent's image, installed by the chart with only the chart's RBAC (see {@link ImageAgent}), cluster-wide
 * and namespaced: it syncs the shop, corrects a drift, releases a good cart to Succeeded across a
 * {@code helm upgrade}, rolls a bad one back, serves what the chart's probes and ServiceMonitor ask for, and
 * leaves every object it applied in place when the chart is uninstalled.
 */
@ParameterizedClass(name = "rbac {0}")
@EnumSource(InClusterE2E.Rbac.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InClusterE2E {

  /** The chart's two RBAC modes. */
  enum Rbac {
    /** A ClusterRole for the kinds in rbac.manage. */
    CLUSTER_WIDE,
    /**
     * Roles in rbac.watchNamespaces only: the namespace exists before the install (its Role lives there) and
     * the repository declares no cluster-scoped object, which such an installation may not manage.
     */
    NAMESPACED
  }

  @TempDir
  static Path directory;

  static ImageAgent agent;
  static ShopSandbox shop;

  @Parameter
  Rbac rbac;

  /** Given: the chart applied and the image started in its root file system; the shop applied from Git. */
  @BeforeParameterizedClassInvocation
  static void givenTheImageInstalledByTheChart(Rbac rbac) {
    Map<String, Object> values = new LinkedHashMap<>(Map.of("manage", manageWithSecrets()));
    if (rbac == Rbac.NAMESPACED) {
      values.put("namespaced", true);
      values.put("watchNamespaces", List.of(ShopSandbox.NAMESPACE));
    }
    Path work = directory.resolve(rbac.name().toLowerCase(java.util.Locale.ROOT));
    agent = new ImageAgent(work.resolve("agent"), Map.of("rbac", values), sandbox -> {
      if (rbac == Rbac.NAMESPACED) {
        sandbox.client().namespaces().resource(new NamespaceBuilder().withNewMetadata()
            .withName(ShopSandbox.NAMESPACE).endMetadata().build()).serverSideApply();
        sandbox.repo().edit("manifests/base/kustomization.yaml", text -> text.replace("  - namespace.yaml\n", ""),
            "The shop's namespace is the platform team's");
      }
    });
    shop = ShopSandbox.start(work.resolve("sandbox"), RouterKind.ISTIO, agent);
    System.out.printf("in-cluster (%s): the image's entrypoint started to the shop's first sync applied: %d ms%n",
        rbac, (shop.firstAppliedNanos() - agent.launchedNanos()) / 1_000_000);
  }

  /** The chart's default kinds and Secrets (the shop's checkout has one), as its values.yaml says to add them. */
  private static List<Object> manageWithSecrets() {
    Map<String, Object> values = Rendered.parseYaml(ImageAgent.chartFile("values.yaml"));
    List<Object> manage = new java.util.ArrayList<>(Rendered.list(values, "rbac.manage"));
    manage.add(Map.of("apiGroups", List.of(""), "resources", List.of("secrets")));
    return manage;
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (shop != null) {
      shop.close();
    }
  }

  /** What the image holds besides the agent: its SBOM (the one beside the tarball), the render tools, labels. */
  @Test
  @Order(0)
  void theImageCarriesItsSbomTheRenderToolsWithLicensesAndItsLabels() throws IOException {
    ImageRootfs image = agent.image();
    Path sbom = ProjectTools.projectRoot().resolve("agent/target/sbom/keelson-agent.cdx.xml");
    assertThat(image.resolve("usr/share/keelson/keelson-agent.cdx.xml")).hasSameBinaryContentAs(sbom);
    assertThat(Files.readString(sbom)).contains("<name>keelson-agent</name>", "<name>org.eclipse.jgit</name>",
        "<name>kubernetes-client</name>");
    for (String tool : List.of("helm", "kustomize")) {
      assertThat(image.resolve("usr/local/bin/" + tool)).isExecutable();
      assertThat(image.resolve("usr/share/doc/" + tool + "/LICENSE")).content().contains("Apache License");
    }
    assertThat(image.user()).isEqualTo("65532:65532");
    assertThat(image.labels()).containsKeys("org.opencontainers.image.source", "org.opencontainers.image.revision",
        "org.opencontainers.image.licenses").containsEntry("org.opencontainers.image.version", "0.1.0-SNAPSHOT");
  }

  @Test
  @Order(1)
  void thenTheShopIsSyncedAndTheProbesAndMetricsAnswerWhereTheChartLooks() {
    assertThat(shop.source().path("applied").path("sha").asText()).isEqualTo(shop.repo().head());
    Map<String, Object> container = Rendered.map(agent.rendered().one("Deployment"),
        "spec.template.spec.containers.0");
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertThat(Rendered.at(container, probe + ".httpGet.port")).isEqualTo("http");
      String path = String.valueOf(Rendered.at(container, probe + ".httpGet.path"));
      assertThat(get(path).statusCode()).as("%s %s", probe, path).isEqualTo(200);
    }
    assertThat(get("/api/v1/status").statusCode()).isEqualTo(200);
    Map<String, Object> endpoint = Rendered.map(agent.renderedMonitor(), "spec.endpoints.0");
    assertThat(endpoint).containsEntry("port", "http");
    assertThat(get(String.valueOf(endpoint.get("path"))).body()).contains("keelson_sync_duration_seconds");
  }

  @Test
  @Order(2)
  void whenTheCartIsScaledByHand_thenTheAgentPutsGitsReplicasBack() {
    Deployment cart = shop.stable();
    int declared = cart.getSpec().getReplicas();
    shop.sandbox.client().apps().deployments().inNamespace(ShopSandbox.NAMESPACE).withName(ShopSandbox.POLICY)
        .edit(deployment -> {
          deployment.getSpec().setReplicas(declared + 3);
          return deployment;
        });
    shop.await("the drift on the cart's replicas corrected", Duration.ofSeconds(60),
        () -> Integer.valueOf(declared).equals(shop.stable().getSpec().getReplicas()) ? Boolean.TRUE : null);
  }

  @Test
  @Order(3)
  void whenTheChartIsUpgradedMidRelease_thenTheReleaseContinuesOnTheNewVersionToSucceeded() {
    shop.releaseHealthyCartToItsFirstStep();
    String tag = "0.1.1";
    agent.upgradeTo(tag);
    shop.sandbox.killAgent();
    shop.sandbox.startAgent();
    assertThat(shop.sandbox.client().apps().deployments().inNamespace(ImageAgent.NAMESPACE)
        .withName(ImageAgent.RELEASE).get().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .endsWith(":" + tag);

    shop.awaitRelease("the release promoted by the new version", Duration.ofSeconds(150),
        status -> status.getPhase() == ReleasePhase.Succeeded);
    shop.awaitStableAvailable(Duration.ofSeconds(60));
    assertThat(shop.stableImage()).endsWith("cart:1.5.0");
  }

  @Test
  @Order(4)
  void whenAFailingCartIsCommitted_thenItsReleaseRollsBack() {
    String stableImage = shop.stableImage();
    String commit = shop.commitCart("simulator.keelson.io/error-rate: \"0\"",
        "simulator.keelson.io/error-rate: \"0.5\"", "cart: a version that fails half its requests");
    shop.awaitApplied(commit, Duration.ofSeconds(60));
    shop.awaitRelease("the release rolled back", Duration.ofSeconds(120),
        status -> status.getPhase() == ReleasePhase.Failed);
    assertThat(shop.canaryWeight()).isZero();
    assertThat(shop.stableImage()).isEqualTo(stableImage);
  }

  /** Nothing the agent applied is deleted: the audit log sees every delete, by anyone, after the uninstall. */
  @Test
  @Order(5)
  void whenTheChartIsUninstalled_thenEveryManagedObjectStays() {
    ControlPlane controlPlane = shop.sandbox.cluster().controlPlane();
    // Stopped first: a running agent still finishes what the last release left (say, pruning the canary).
    shop.sandbox.agent().close();
    Set<String> managed = shopObjects();
    int writesBefore = controlPlane.auditLog().writes().size();
    agent.uninstall(controlPlane);

    assertThat(shop.sandbox.client().serviceAccounts().inNamespace(ImageAgent.NAMESPACE)
        .withName(ImageAgent.RELEASE).get()).isNull();
    assertThat(shopObjects()).containsExactlyInAnyOrderElementsOf(managed);
    // A namespaced installation's own Role and RoleBinding in the shop's namespace go with it.
    Set<String> release = agent.rendered().objects().stream()
        .filter(object -> ShopSandbox.NAMESPACE.equals(Rendered.at(object, "metadata.namespace")))
        .map(object -> String.valueOf(Rendered.at(object, "metadata.name"))).collect(Collectors.toSet());
    List<AuditLog.Write> deletes = controlPlane.auditLog().writes().stream().skip(writesBefore)
        .filter(write -> write.verb().equals("delete") && ShopSandbox.NAMESPACE.equals(write.namespace())
            && !release.contains(write.name()))
        .toList();
    assertThat(deletes).as("deletes in the shop's namespace after the uninstall (%s RBAC)", rbac).isEmpty();
    assertThat(shop.policy()).as("the ReleasePolicy").isNotNull();
  }

  /** Kind/name of the shop's objects the agent manages. */
  private static Set<String> shopObjects() {
    var client = shop.sandbox.client();
    Set<String> objects = new TreeSet<>();
    client.apps().deployments().inNamespace(ShopSandbox.NAMESPACE).list().getItems()
        .forEach(o -> objects.add("Deployment/" + o.getMetadata().getName()));
    client.services().inNamespace(ShopSandbox.NAMESPACE).list().getItems()
        .forEach(o -> objects.add("Service/" + o.getMetadata().getName()));
    client.configMaps().inNamespace(ShopSandbox.NAMESPACE).list().getItems()
        .forEach(o -> objects.add("ConfigMap/" + o.getMetadata().getName()));
    client.secrets().inNamespace(ShopSandbox.NAMESPACE).list().getItems()
        .forEach(o -> objects.add("Secret/" + o.getMetadata().getName()));
    assertThat(objects).contains("Deployment/cart", "Service/cart", "Secret/payment-gateway");
    return objects;
  }

  private static java.net.http.HttpResponse<String> get(String path) {
    return shop.send(HttpRequest.newBuilder(URI.create(shop.sandbox.url(path).toString()))
        .timeout(Duration.ofSeconds(5)).build());
  }
}
