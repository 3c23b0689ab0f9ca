package io.keelson.sandbox.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicyStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentRestartE2E extends ReleaseScenario {

  @Test
  void whenTheAgentIsKilledMidRelease_thenTheRestartedAgentResumesAtTheSameStep() {
    ReleasePolicyStatus before = shop.releaseHealthyCartToItsFirstStep();

    shop.sandbox.killAgent();
    // Nothing drives the release while the agent is down: routing and status stay as they were.
    ShopSandbox.sleep(Duration.ofSeconds(2));
    assertThat(shop.canaryWeight()).isEqualTo(30);
    assertThat(shop.release().getStep()).isEqualTo(before.getStep());

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
