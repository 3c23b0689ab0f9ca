package io.keelson.sandbox.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicyStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AgentRestartE2E extends ReleaseScenario {

  /** The scenario cart policy's step interval, and the sandbox's release tick. */
  private static final Duration STEP_INTERVAL = Duration.ofSeconds(4);
  private static final Duration TICK = Duration.ofMillis(500);

  @Test
  void whenTheAgentIsKilledMidRelease_thenTheRestartedAgentResumesAtTheSameStep() {
    ReleasePolicyStatus before = shop.releaseHealthyCartToItsFirstStep();

    shop.sandbox.killAgent();
    // Nothing drives the release while the agent is down: neither the routes nor the status are written, even
    // past the moment a live agent would have analysed the step (its window plus a tick).
    String routesVersion = shop.liveRoutingObject().getMetadata().getResourceVersion();
    String policyVersion = shop.policy().getMetadata().getResourceVersion();
    Instant due = Instant.parse(before.getAnalyzedAt() != null ? before.getAnalyzedAt() : before.getStepStartedAt())
        .plus(STEP_INTERVAL).plus(TICK);
    shop.await("the step's analysis overdue, with nothing written", STEP_INTERVAL.plusSeconds(10), () -> {
      assertThat(shop.liveRoutingObject().getMetadata().getResourceVersion()).isEqualTo(routesVersion);
      assertThat(shop.policy().getMetadata().getResourceVersion()).isEqualTo(policyVersion);
      return Instant.now().isAfter(due) ? Boolean.TRUE : null;
    });
    assertThat(shop.liveRoutingObject().getMetadata().getResourceVersion()).isEqualTo(routesVersion);
    assertThat(shop.policy().getMetadata().getResourceVersion()).isEqualTo(policyVersion);
    assertThat(shop.canaryWeight()).isEqualTo(30);

    shop.sandbox.startAgent();
    ReleasePolicyStatus resumed = shop.awaitRelease("the release driven again", Duration.ofSeconds(60),
        status -> !status.getStepStartedAt().equals(before.getStepStartedAt())
            || status.getPhase() != ReleasePhase.Progressing);
    // Resumed where it was: on to the next step or promotion, never back to the test phase or to 0%.
    assertThat(resumed.getPhase()).isIn(ReleasePhase.Progressing, ReleasePhase.Promoting, ReleasePhase.Succeeded);
    assertThat(resumed.getCandidate()).isEqualTo(before.getCandidate());
    shop.awaitRelease("the release promoted", Duration.ofSeconds(90),
        status -> status.getPhase() == ReleasePhase.Succeeded);
    assertThat(shop.maxCanaryWeight()).isEqualTo(60);
    shop.awaitStableAvailable(Duration.ofSeconds(60));
    assertThat(shop.stableImage())
        .isEqualTo("registry.example.com/shop/cart:1.5.0");
  }
}
