package io.keelson.release.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StepsTest {

  @Test
  void explicitWeightsAreUsedAsDeclared() {
    assertThat(new Steps(List.of(5, 20, 60), null, null, "1m").effectiveWeights()).containsExactly(5, 20, 60);
  }

  @Test
  void aLinearProgressionEndsAtMaxWeight() {
    assertThat(new Steps(null, 20, 50, null).effectiveWeights()).containsExactly(20, 40, 50);
    assertThat(new Steps(null, 25, 100, null).effectiveWeights()).containsExactly(25, 50, 75, 100);
  }

  @Test
  void aLinearProgressionDefaultsToHalfTheTraffic() {
    assertThat(new Steps(null, 10, null, null).effectiveWeights()).containsExactly(10, 20, 30, 40, 50);
  }
}
