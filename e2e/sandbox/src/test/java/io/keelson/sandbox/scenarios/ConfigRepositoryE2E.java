package io.keelson.sandbox.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.RouterKind;
import io.keelson.sandbox.SandboxRepo;
import io.keelson.testkit.SopsCli;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What service teams do to the config repository — the sandbox overlay built with Kustomize, checkout from its Helm
 * chart, a secret encrypted with SOPS — and what the agent does about hands on the cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigRepositoryE2E extends ShopScenario {

  private static final String CHECKOUT_VALUES = SandboxRepo.OVERLAY + "/checkout-values.yaml";
  private static final String SECRET_FILE = SandboxRepo.OVERLAY + "/payment-gateway.secret.yaml";

  @BeforeAll
  static void givenTheShop() {
    givenTheShopRunningItsStableCart(RouterKind.ISTIO);
  }

  @AfterAll
  static void stopTheShop() {
    stopTheSandbox();
  }

  @Test
  @Order(1)
  void whenAMalformedManifestIsCommitted_thenItIsRejectedWithItsFileAndLineWhileProductionKeepsServing() {
    String good = shop.source().path("applied").path("sha").asText();
    String broken = shop.repo().edit("manifests/base/cart/configmap.yaml", text -> text + "  broken: [unclosed\n",
        "cart: a typo");

    JsonNode source = shop.await("the broken revision rejected", Duration.ofSeconds(30), () -> {
      JsonNode s = shop.source();
      return broken.equals(s.path("fetched").path("sha").asText()) && s.path("errors").size() > 0 ? s : null;
    });
    // The base is read by Kustomize: the error is at the overlay the agent builds, with Kustomize's file and line.
    JsonNode error = source.path("errors").get(0);
    assertThat(error.path("file").asText()).isEqualTo(ShopSandbox.OVERLAY_FILE);
    assertThat(error.path("message").asText()).contains("cart/configmap.yaml", "line 8");
    assertThat(source.path("applied").path("sha").asText()).isEqualTo(good);
    assertThat(shop.productionErrorRate(30)).isZero();
    assertThat(shop.stable().getStatus().getAvailableReplicas()).isEqualTo(3);

    String fixed = shop.repo().revert(broken);
    shop.awaitApplied(fixed, Duration.ofSeconds(30));
    assertThat(shop.source().path("errors").size()).isZero();
  }

  @Test
  @Order(2)
  void whenSomeoneEditsAManagedObjectByHand_thenTheAgentPutsGitsValueBack() {
    var configMaps = shop.sandbox.client().configMaps().inNamespace("shop");
    ConfigMap declared = configMaps.withName("cart").get();
    String key = declared.getData().keySet().iterator().next();
    String value = declared.getData().get(key);

    ConfigMap edit = new ConfigMapBuilder().withNewMetadata().withName("cart").withNamespace("shop").endMetadata()
        .addToData(key, "edited by hand").build();
    configMaps.resource(edit).fieldManager("kubectl-edit").forceConflicts().serverSideApply();

    long start = System.nanoTime();
    shop.await("the hand edit reverted", Duration.ofSeconds(20),
        () -> value.equals(configMaps.withName("cart").get().getData().get(key)) ? Boolean.TRUE : null);
    System.out.printf("hand edit corrected in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    JsonNode drift = shop.await("the correction on the status", Duration.ofSeconds(10), () -> {
      JsonNode corrections = shop.source().path("driftCorrections");
      return corrections.size() > 0 ? corrections.get(corrections.size() - 1) : null;
    });
    assertThat(drift.path("object").asText()).contains("shop/cart");
    assertThat(drift.path("changedBy").asText()).isEqualTo("kubectl-edit");
  }

  /** catalog's version is pinned by the overlay's images; no policy governs it, so a new tag runs at once. */
  @Test
  @Order(3)
  void whenTheOverlayPinsANewCatalogVersion_thenCatalogRunsIt() {
    String commit = shop.repo().edit(ShopSandbox.OVERLAY_FILE,
        text -> text.replace("newTag: \"2.0.1\"", "newTag: \"2.1.0\""), "catalog 2.1.0");
    shop.awaitApplied(commit, Duration.ofSeconds(30));

    assertThat(image(deployment("catalog"))).isEqualTo("registry.example.com/shop/catalog:2.1.0");
  }

  /** checkout comes from its Helm chart; a value outside its pod template changes what the chart renders, at once. */
  @Test
  @Order(4)
  void whenAChartValueChanges_thenTheObjectTheChartRendersChanges() {
    String commit = shop.repo().edit(CHECKOUT_VALUES,
        text -> text.replace("PAYMENT_TIMEOUT: 5s", "PAYMENT_TIMEOUT: 8s"), "checkout: a longer payment timeout");
    shop.awaitApplied(commit, Duration.ofSeconds(30));

    ConfigMap settings = shop.sandbox.client().configMaps().inNamespace(ShopSandbox.NAMESPACE).withName("checkout")
        .get();
    assertThat(settings.getData()).containsEntry("PAYMENT_TIMEOUT", "8s");
    assertThat(settings.getMetadata().getLabels()).containsEntry("helm.sh/chart", "checkout-0.1.0")
        .containsEntry("environment", "sandbox");
    assertThat(checkoutPolicy().getStatus().getPhase()).as("not a new candidate").isEqualTo(ReleasePhase.Idle);
  }

  /**
   * The secret is changed as a team changes it, with sops and the key; the agent decrypts it and the cluster gets
   * the new value, which appears nowhere else: not in the repository's file, the status, the agent's log, the
   * Events or the metrics.
   */
  @Test
  @Order(5)
  void whenTheEncryptedSecretChanges_thenTheClusterHasTheNewValueAndItsPlaintextIsNowhereElse() throws IOException {
    String sentinel = "pgw-sentinel-" + UUID.randomUUID();
    SandboxRepo repo = shop.repo();
    try (SopsCli sops = SopsCli.in(dir)) {
      sops.set(repo.dir().resolve(SECRET_FILE), "[\"stringData\"][\"api-key\"]", "\"" + sentinel + "\"",
          repo.ageKeyFile());
    }
    assertThat(repo.read(SECRET_FILE)).doesNotContain(sentinel).contains("api-key: ENC[");
    String commit = repo.commit("checkout: a new payment gateway key", SECRET_FILE);
    shop.awaitApplied(commit, Duration.ofSeconds(30));

    Secret secret = shop.sandbox.client().secrets().inNamespace(ShopSandbox.NAMESPACE).withName("payment-gateway")
        .get();
    assertThat(new String(Base64.getDecoder().decode(secret.getData().get("api-key")), StandardCharsets.UTF_8))
        .isEqualTo(sentinel);
    var client = shop.sandbox.client();
    Map<String, String> outputs = Map.of(
        "status", shop.status().toString(),
        "agent log", Files.readString(shop.sandbox.agent().logFile()),
        "Events", Serialization.asJson(client.events().v1().events().inAnyNamespace().list())
            + Serialization.asJson(client.v1().events().inAnyNamespace().list()),
        "metrics", shop.send(HttpRequest.newBuilder(shop.sandbox.adminUrl("/metrics")).build()).body());
    outputs.forEach((where, text) -> assertThat(text).as(where).isNotEmpty().doesNotContain(sentinel));
  }

  /**
   * checkout comes from its Helm chart and policies/checkout.yaml governs it: a new version in its values is a
   * candidate like any other. The release-aware render runs on what the chart rendered, so the candidate runs as
   * checkout-canary while production keeps the released version.
   */
  @Test
  @Order(6)
  void whenCheckoutsChartValuesNameANewVersion_thenItsPolicyDeploysItAsACanaryBesideTheUnchangedStable() {
    String stableImage = image(deployment("checkout"));
    String commit = shop.repo().edit(CHECKOUT_VALUES, text -> text.replace("tag: \"3.1.0\"", "tag: \"3.2.0\""),
        "checkout 3.2.0");
    shop.awaitApplied(commit, Duration.ofSeconds(30));

    Deployment canary = shop.await("checkout-canary running the candidate", Duration.ofSeconds(30), () -> {
      Deployment deployment = deployment("checkout-canary");
      return deployment != null && image(deployment).endsWith(":3.2.0") ? deployment : null;
    });
    assertThat(canary.getSpec().getSelector().getMatchLabels()).containsEntry("app", "checkout-canary");
    assertThat(image(deployment("checkout"))).isEqualTo(stableImage).endsWith(":3.1.0");
    assertThat(shop.sandbox.client().services().inNamespace(ShopSandbox.NAMESPACE).withName("checkout-canary").get())
        .isNotNull();
    shop.await("the checkout release under way", Duration.ofSeconds(30), () -> {
      ReleasePhase phase = checkoutPolicy().getStatus().getPhase();
      return phase != ReleasePhase.Idle ? phase : null;
    });
  }

  private static ReleasePolicy checkoutPolicy() {
    return shop.sandbox.client().resources(ReleasePolicy.class).inNamespace(ShopSandbox.NAMESPACE)
        .withName("checkout").get();
  }

  private static Deployment deployment(String name) {
    return shop.sandbox.client().apps().deployments().inNamespace(ShopSandbox.NAMESPACE).withName(name).get();
  }

  private static String image(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }
}
