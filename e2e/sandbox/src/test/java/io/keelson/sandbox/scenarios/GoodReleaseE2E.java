package io.keelson.sandbox.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicyStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoodReleaseE2E extends ReleaseScenario {

  @Test
  void whenAHealthyVersionIsCommitted_thenItPassesTheTestRouteEveryStepAndIsPromoted() {
    String stableImage = shop.stableImage();
    String commit = shop.commitCartVersion("1.5.0");
    shop.awaitApplied(commit, Duration.ofSeconds(30));

    // Production keeps the released template while the candidate runs beside it.
    shop.awaitRelease("the candidate under test", Duration.ofSeconds(60),
        status -> status.getPhase() == ReleasePhase.Testing);
    assertThat(shop.stableImage())
        .isEqualTo(stableImage);
    assertThat(shop.canaryWeight()).isZero();

    shop.awaitRelease("the first weight step (30%)", Duration.ofSeconds(60),
        status -> status.getPhase() == ReleasePhase.Progressing && Integer.valueOf(30).equals(status.getCanaryWeight()));
    shop.awaitRelease("the second weight step (60%)", Duration.ofSeconds(60),
        status -> Integer.valueOf(60).equals(status.getCanaryWeight()) || status.getPhase() == ReleasePhase.Promoting);
    ReleasePolicyStatus done = shop.awaitRelease("the release promoted", Duration.ofSeconds(90),
        status -> status.getPhase() == ReleasePhase.Succeeded);

    assertThat(done.getCanaryWeight()).isZero();
    assertThat(shop.maxCanaryWeight()).isEqualTo(60);
    assertThat(shop.stableImage())
        .isEqualTo("registry.example.com/shop/cart:1.5.0");
    shop.awaitStableAvailable(Duration.ofSeconds(60));
    assertThat(shop.canaryWeight()).isZero();
    assertThat(shop.productionErrorRate(50)).isZero();
    assertThat(shop.releaseView().path("phase").asText()).isEqualTo("Succeeded");
  }
}
