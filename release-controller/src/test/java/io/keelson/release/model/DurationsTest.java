package io.keelson.release.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({"500ms, PT0.5S", "30s, PT30S", "5m, PT5M", "1h30m, PT1H30M", "1h0m10s, PT1H10S"})
  void parsesDurationStrings(String text, Duration expected) {
    assertThat(Durations.parse(text)).contains(expected);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"30", "soon", "1.5s", "-5m", "5 m", "1d", "99999999999999999999h"})
  void rejectsAnythingElse(String text) {
    assertThat(Durations.parse(text)).isEmpty();
  }
}
