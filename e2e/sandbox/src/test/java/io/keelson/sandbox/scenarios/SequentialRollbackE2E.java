package io.keelson.sandbox.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.release.api.HistoryEntry;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.SequentialEvidence;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;

/**
 * A clearly bad version under the sequential test: rolled back within two scrape intervals of getting weight, long
 * before the fixed checks would judge it at the end of their 30 s interval.
 */
class SequentialRollbackE2E extends ReleaseScenario {

  /** Prometheus's scrape interval in the scenarios' sandbox. */
  private static final Duration SCRAPE = Duration.ofSeconds(1);
  private static final Duration INTERVAL = Duration.ofSeconds(30);
  /** The cart's load: a modest production service; its first step (30%) sends the canary 60 requests/s. */
  private static final double REQUESTS_PER_SECOND = 200;

  @BeforeParameterizedClassInvocation
  static void andAPolicyWithTheSequentialTestAndLongIntervals() {
    shop.setRequestsPerSecond(REQUESTS_PER_SECOND);
    // No test route: the canary's first traffic is production weight. The test looks at every scrape.
    String commit = shop.repo().edit("policies/cart.yaml", text -> text
            .replace("  testRoute:\n    header: x-keelson-canary\n    match: {type: exact, value: \"cart\"}\n"
                + "    duration: 4s\n", "  sequential: {alpha: 0.01, lookInterval: 1s}\n")
            .replace("    interval: 4s\n", "    interval: " + INTERVAL.toSeconds() + "s\n"),
        "cart: the sequential test at every scrape, 30 s intervals, no test route");
    shop.awaitApplied(commit, Duration.ofSeconds(30));
    shop.awaitRelease("the policy with the sequential test", Duration.ofSeconds(30),
        status -> shop.policy().getSpec().getSequential() != null);
  }

  @Test
  void whenAVersionFailingThirtyPercentGetsWeight_thenTheSequentialTestRollsItBackWithinTwoScrapes() {
    String stableImage = shop.stableImage();
    String commit = shop.commitCart("simulator.keelson.io/error-rate: \"0\"",
        "simulator.keelson.io/error-rate: \"0.3\"", "cart: a version that fails 30% of its requests");
    shop.awaitApplied(commit, Duration.ofSeconds(30));

    ReleasePolicyStatus failed = shop.awaitRelease("the release rolled back", Duration.ofSeconds(90),
        status -> status.getPhase() == ReleasePhase.Failed);

    assertThat(failed.getReason()).startsWith("sequential test of errors rejected the canary")
        .contains("reached 1/α = 100");
    SequentialEvidence rejection = failed.getSequential().stream().filter(look -> Boolean.TRUE.equals(look.rejected()))
        .findFirst().orElseThrow();
    assertThat(rejection.step()).isEqualTo(1);
    assertThat(rejection.boundary()).isEqualTo(100.0);
    // From the first weight to the look that rejected, and to the routes confirmed all-stable (the release fails
    // only then), as the status records them. The looks are fixed by the step's start, one per scrape interval:
    // the look two intervals after the weight sees a scrape at least one interval of canary traffic after it,
    // at 60 requests/s about 18 errors, three times the six the boundary 100 needs against none of stable's.
    Instant weighted = Instant.parse(rejection.windowStart());
    Duration toRejection = Duration.between(weighted, Instant.parse(rejection.lookedAt()));
    HistoryEntry last = failed.getHistory().get(failed.getHistory().size() - 1);
    Duration toStable = Duration.between(weighted, Instant.parse(last.finishedAt()));
    assertThat(toRejection).as("the rejecting look, in scrape intervals after the weight: %s", rejection.message())
        .isLessThanOrEqualTo(SCRAPE.multipliedBy(2));
    assertThat(toStable).as("all traffic back on stable, far inside one interval").isLessThan(INTERVAL.dividedBy(3));
    assertThat(failed.getEvidence()).as("no fixed check ran: its interval never ended").isNull();
    assertThat(shop.canaryWeight()).isZero();
    assertThat(shop.maxCanaryWeight()).as("no step beyond the first").isEqualTo(30);
    assertThat(shop.stableImage()).isEqualTo(stableImage);
    assertThat(shop.productionErrorRate(50)).isZero();
    assertThat(shop.releaseView().path("message").asText()).contains("sequential test of errors rejected");
    System.out.printf("sequential rollback (%s): weight → rejecting look %d ms, → routes all stable %d ms"
        + " (scrape %d s, interval %d s, %.0f requests/s): %s%n", router, toRejection.toMillis(), toStable.toMillis(),
        SCRAPE.toSeconds(), INTERVAL.toSeconds(), REQUESTS_PER_SECOND, rejection.message());
  }
}
