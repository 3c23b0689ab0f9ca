package io.keelson.sandbox.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.Verdict;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;

/** A bad version: it fails, rolls back on its own, and a revert in Git ends the episode. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadReleaseE2E extends ReleaseScenario {

  private static final Duration INTERVAL = Duration.ofSeconds(4);

  static String badCommit;

  @BeforeParameterizedClassInvocation
  static void andATestRouteThatChecksLatencyOnly() {
    // Errors then surface only under production weight: the rollback at a weighted step is what is shown.
    shop.commitPolicy("    duration: 4s\n", "    duration: 4s\n    checks: [latency]\n",
        "cart: the test route checks latency only");
  }

  @Test
  @Order(1)
  void whenAVersionFailingHalfItsRequestsIsCommitted_thenItRollsBackWithinOneIntervalOfProductionTraffic() {
    String stableImage = shop.stableImage();
    badCommit = shop.commitCart("simulator.keelson.io/error-rate: \"0\"", "simulator.keelson.io/error-rate: \"0.5\"",
        "cart: a version that fails half its requests");
    shop.awaitApplied(badCommit, Duration.ofSeconds(30));

    ReleasePolicyStatus firstStep = shop.awaitRelease("the bad candidate at its first weight", Duration.ofSeconds(60),
        status -> status.getPhase() == ReleasePhase.Progressing && status.getCanaryWeight() != null
            && status.getCanaryWeight() > 0);
    Instant weighted = Instant.parse(firstStep.getStepStartedAt());
    ReleasePolicyStatus failed = shop.awaitRelease("the release rolled back", Duration.ofSeconds(60),
        status -> status.getPhase() == ReleasePhase.Failed);

    // The breach is judged on the first window of the first weighted step (one interval from the moment
    // production traffic reached the canary), and the weight goes to 0 in that tick. Judged from the
    // recorded evidence, not from a wall clock that a loaded machine stretches; the time is printed below.
    Duration exposure = Duration.between(weighted, Instant.now());
    assertThat(failed.getEvidence())
        .as("the failing verdict is the first step's first analysis")
        .anySatisfy(evidence -> {
          assertThat(evidence.verdict()).isEqualTo(Verdict.FAIL);
          assertThat(evidence.step()).isEqualTo(1);
          assertThat(evidence.windowStart()).isEqualTo(firstStep.getStepStartedAt());
          // the step's second analysis would fall due two intervals after its start
          assertThat(Duration.between(Instant.parse(evidence.windowStart()), Instant.parse(evidence.windowEnd())))
              .isLessThan(INTERVAL.multipliedBy(2));
        });
    assertThat(shop.canaryWeight()).isZero();
    assertThat(shop.maxCanaryWeight()).as("no step beyond the first").isEqualTo(30);
    assertThat(failed.getReason()).containsIgnoringCase("errors");
    assertThat(shop.stableImage())
        .isEqualTo(stableImage);
    assertThat(shop.productionErrorRate(50)).isZero();

    // The on-call engineer reads why on the status endpoint (the page shows the same JSON).
    JsonNode release = shop.releaseView();
    assertThat(release.path("phase").asText()).isEqualTo("Failed");
    assertThat(release.path("message").asText()).containsIgnoringCase("errors");
    assertThat(release.path("lastVerdicts").findValuesAsText("verdict")).contains("FAIL");
    // ... and the rollback alert has its metric.
    assertThat(shop.send(java.net.http.HttpRequest.newBuilder(shop.sandbox.adminUrl("/metrics")).build()).body())
        .contains("keelson_release_phase_changes_total{namespace=\"shop\",phase=\"RollingBack\",policy=\"cart\"} 1.0");
    System.out.printf("bad release: production weight → rolled back to 0 in at most %d ms (interval %d s)%n",
        exposure.toMillis(), INTERVAL.toSeconds());
  }

  @Test
  @Order(2)
  void whenTheBadCommitIsReverted_thenThePolicyReturnsToIdleOnTheStableVersion() {
    String revert = shop.repo().revert(badCommit);
    shop.awaitApplied(revert, Duration.ofSeconds(30));
    shop.awaitRelease("the policy idle again", Duration.ofSeconds(30),
        status -> status.getPhase() == ReleasePhase.Idle);
    shop.await("the canary Deployment gone or scaled to zero", Duration.ofSeconds(30), () -> {
      var canary = shop.sandbox.client().apps().deployments().inNamespace("shop").withName("cart-canary").get();
      return canary == null || Integer.valueOf(0).equals(canary.getSpec().getReplicas()) ? Boolean.TRUE : null;
    });
    assertThat(shop.canaryWeight()).isZero();
    assertThat(shop.productionErrorRate(50)).isZero();
  }
}
