package io.keelson.sandbox.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.mesh.Answers;
import io.keelson.release.api.Evidence;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.Verdict;
import io.keelson.release.traffic.RouteDesign;
import io.keelson.release.traffic.Routes;
import io.keelson.sandbox.MeshTraffic;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;

/**
 * Mirrored traffic between the test route and the first weight: a good version passes through it to promotion;
 * a version that breaks only on production-shaped requests (a shopper's session, which test requests never
 * carry) passes its test route and is caught on the mirrored copies, with no caller ever served by it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MirroredReleaseE2E extends ReleaseScenario {

  private static final String CANARY = "cart-canary";

  @BeforeParameterizedClassInvocation
  static void andAPolicyThatMirrorsHalfOfProductionBeforeTheFirstWeight() {
    shop.commitPolicy("  steps:\n", "  mirror: {percentage: 50, duration: 4s}\n  steps:\n",
        "cart: mirror half of production to the candidate before any weight");
    shop.await("the policy with its mirror", Duration.ofSeconds(10),
        () -> shop.policy().getSpec().getMirror() != null ? Boolean.TRUE : null);
  }

  @Test
  @Order(1)
  void whenAHealthyVersionIsCommitted_thenItIsMirroredAtWeightZeroAndThenPromoted() {
    long started = System.nanoTime();
    long mirroredBefore = answers().mirrored(ShopSandbox.NAMESPACE, CANARY);
    shop.resetMaxCanaryWeight();
    String commit = shop.commitCartVersion("1.5.0");
    shop.awaitApplied(commit, Duration.ofSeconds(30));

    shop.awaitRelease("the candidate mirrored", Duration.ofSeconds(60),
        status -> status.getPhase() == ReleasePhase.Mirroring);
    Routes mirroring = shop.await("the routing object mirroring", Duration.ofSeconds(10),
        () -> shop.liveRoutes().filter(routes -> routes.mirrorPercent() > 0).orElse(null));
    assertThat(mirroring).as(shop.routingObject()).isEqualTo(new Routes(0, true, 50));
    shop.await("mirrored copies answered by the canary", Duration.ofSeconds(10),
        () -> answers().mirrored(ShopSandbox.NAMESPACE, CANARY) > mirroredBefore ? Boolean.TRUE : null);
    assertThat(shop.maxCanaryWeight()).as("weight while mirrored").isZero();

    shop.awaitRelease("the first weight step (30%)", Duration.ofSeconds(60),
        status -> status.getPhase() == ReleasePhase.Progressing && Integer.valueOf(30).equals(status.getCanaryWeight()));
    assertThat(shop.liveRoutes()).hasValueSatisfying(routes -> assertThat(routes.mirrorPercent()).isZero());
    ReleasePolicyStatus done = shop.awaitRelease("the release promoted", Duration.ofSeconds(90),
        status -> status.getPhase() == ReleasePhase.Succeeded);
    assertThat(done.getHistory()).last().satisfies(entry -> assertThat(entry.phase()).isEqualTo(ReleasePhase.Succeeded));
    assertThat(shop.stableImage()).isEqualTo("registry.example.com/shop/cart:1.5.0");
    System.out.printf("mirrored release (router %s): commit to promoted in %d ms%n", router,
        (System.nanoTime() - started) / 1_000_000);
  }

  @Test
  @Order(2)
  void whenAVersionBrokenOnlyForProductionShapedRequestsIsCommitted_thenTheMirrorCatchesItAndNoCallerIsServedByIt() {
    long started = System.nanoTime();
    shop.awaitStableAvailable(Duration.ofSeconds(60));
    String stableImage = shop.stableImage();
    long servedBefore = answers().served(ShopSandbox.NAMESPACE, CANARY, RouteDesign.WEIGHTED_ROUTE);
    long mirroredBefore = answers().mirrored(ShopSandbox.NAMESPACE, CANARY);
    shop.resetMaxCanaryWeight();
    String commit = shop.commitCart("simulator.keelson.io/error-rate: \"0\"",
        "simulator.keelson.io/error-rate: \"0\"\n        simulator.keelson.io/header-errors: "
            + MeshTraffic.SESSION_HEADER,
        "cart: a version that fails every request carrying a shopper's session");
    shop.awaitApplied(commit, Duration.ofSeconds(30));

    ReleasePolicyStatus mirrored = shop.awaitRelease("the candidate past its test route, mirrored",
        Duration.ofSeconds(60), status -> status.getPhase() == ReleasePhase.Mirroring);
    Instant mirrorStarted = Instant.parse(mirrored.getStepStartedAt());
    ReleasePolicyStatus failed = shop.awaitRelease("the release rolled back", Duration.ofSeconds(60),
        status -> status.getPhase() == ReleasePhase.Failed);
    Duration mirrorToRollback = Duration.between(mirrorStarted, Instant.parse(failed.getHistory()
        .get(failed.getHistory().size() - 1).finishedAt()));

    // Caught on the mirrored copies: the test route passed, the failing verdict is the mirror's window.
    assertThat(failed.getReason()).contains("errors");
    assertThat(failed.getEvidence()).anySatisfy(evidence -> {
      assertThat(evidence.check()).isEqualTo("errors");
      assertThat(evidence.verdict()).isEqualTo(Verdict.FAIL);
      assertThat(evidence.windowStart()).isEqualTo(mirrorStarted.toString());
    });
    assertThat(failed.getEvidence()).filteredOn(evidence -> !mirrorStarted.toString().equals(evidence.windowStart()))
        .as("the test route's verdicts").isNotEmpty().extracting(Evidence::verdict).containsOnly(Verdict.PASS);
    // No caller was served by the candidate, though it answered mirrored copies.
    assertThat(shop.maxCanaryWeight()).as("production weight ever given to the candidate").isZero();
    assertThat(answers().served(ShopSandbox.NAMESPACE, CANARY, RouteDesign.WEIGHTED_ROUTE) - servedBefore)
        .as("production callers answered by the candidate").isZero();
    assertThat(answers().mirrored(ShopSandbox.NAMESPACE, CANARY) - mirroredBefore).as("mirrored copies").isPositive();
    shop.await("the mirror removed", Duration.ofSeconds(10),
        () -> shop.liveRoutes().filter(Routes::allStable).isPresent() ? Boolean.TRUE : null);
    assertThat(shop.stableImage()).isEqualTo(stableImage);
    assertThat(shop.productionErrorRate(50)).isZero();
    assertThat(shop.releaseView().path("phase").asText()).isEqualTo("Failed");
    System.out.printf("mirrored bad release (router %s): mirror start to rolled back in %d ms (mirror duration 4 s);"
        + " commit to failed in %d ms%n", router, mirrorToRollback.toMillis(), (System.nanoTime() - started) / 1_000_000);
  }

  private static Answers answers() {
    return shop.sandbox.mesh().answers();
  }
}
