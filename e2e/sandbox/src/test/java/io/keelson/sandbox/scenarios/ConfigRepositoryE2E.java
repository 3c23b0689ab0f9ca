package io.keelson.sandbox.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.keelson.release.api.RouterKind;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What service teams do to the config repository, and what the agent does about hands on the cluster. */
class ConfigRepositoryE2E extends ShopScenario {

  @BeforeAll
  static void givenTheShop() {
    givenTheShopRunningItsStableCart(RouterKind.ISTIO);
  }

  @AfterAll
  static void stopTheShop() {
    stopTheSandbox();
  }

  @Test
  void whenAMalformedManifestIsCommitted_thenItIsRejectedWithFileAndLineWhileProductionKeepsServing() {
    String good = shop.source().path("applied").path("sha").asText();
    String configFile = "manifests/shop/cart/configmap.yaml";
    String broken = shop.repo().edit(configFile, text -> text + "  broken: [unclosed\n", "cart: a typo");

    JsonNode source = shop.await("the broken revision rejected", Duration.ofSeconds(30), () -> {
      JsonNode s = shop.source();
      return broken.equals(s.path("fetched").path("sha").asText()) && s.path("errors").size() > 0 ? s : null;
    });
    JsonNode error = source.path("errors").get(0);
    assertThat(error.path("file").asText()).endsWith(configFile);
    assertThat(error.path("line").asInt()).isPositive();
    assertThat(source.path("applied").path("sha").asText()).isEqualTo(good);
    assertThat(shop.productionErrorRate(30)).isZero();
    assertThat(shop.stable().getStatus().getAvailableReplicas()).isEqualTo(3);

    String fixed = shop.repo().revert(broken);
    shop.awaitApplied(fixed, Duration.ofSeconds(30));
    assertThat(shop.source().path("errors").size()).isZero();
  }

  @Test
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
}
