package io.keelson.sandbox.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicyStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PrometheusOutageE2E extends ReleaseScenario {

  private static final Duration ERROR_BUDGET = Duration.ofSeconds(8);

  @Test
  void whenPrometheusStopsMidRelease_thenTheStepHoldsForTheErrorBudgetAndThenFailsClosed() {
    ReleasePolicyStatus atStep = shop.releaseHealthyCartToItsFirstStep();

    shop.sandbox.stopPrometheus();
    Instant stopped = Instant.now();

    // Holding: the step and its weight stay while ERROR verdicts are within the budget.
    ReleasePolicyStatus holding = shop.awaitRelease("ERROR verdicts counted against the budget",
        Duration.ofSeconds(20), status -> status.getErrorSince() != null);
    assertThat(holding.getPhase()).isEqualTo(ReleasePhase.Progressing);
    assertThat(holding.getStep()).isEqualTo(atStep.getStep());
    assertThat(holding.getCanaryWeight()).isEqualTo(30);

    ReleasePolicyStatus failed = shop.awaitRelease("the release failed closed", Duration.ofSeconds(40),
        status -> status.getPhase() == ReleasePhase.Failed);
    Duration held = Duration.between(stopped, Instant.now());
    assertThat(held).isGreaterThanOrEqualTo(ERROR_BUDGET);
    assertThat(shop.canaryWeight()).isZero();
    assertThat(shop.maxCanaryWeight()).isEqualTo(30);
    assertThat(failed.getReason()).containsIgnoringCase("error");
    System.out.printf("prometheus outage: held %d ms before failing closed (error budget %d s)%n", held.toMillis(),
        ERROR_BUDGET.toSeconds());
  }
}
