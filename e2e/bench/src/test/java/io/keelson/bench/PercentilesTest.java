package io.keelson.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void nearestRankOverUnsortedValues() {
    List<Double> values = List.of(50.0, 10.0, 40.0, 20.0, 30.0, 100.0, 60.0, 70.0, 80.0, 90.0);

    assertThat(Percentiles.of(values, 50)).isEqualTo(50.0);
    assertThat(Percentiles.of(values, 95)).isEqualTo(100.0);
    assertThat(Percentiles.of(List.of(7.0), 95)).isEqualTo(7.0);
  }

  @Test
  void noValuesHaveNoPercentile() {
    assertThatThrownBy(() -> Percentiles.of(List.of(), 50)).isInstanceOf(IllegalArgumentException.class);
  }
}
