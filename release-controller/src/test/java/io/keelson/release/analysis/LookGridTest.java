package io.keelson.release.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LookGridTest {

  private static final Instant START = Instant.parse("2030-01-01T10:00:00Z");
  private static final LookGrid EVERY_TEN_SECONDS = new LookGrid(START, Duration.ofSeconds(10));

  @Test
  void looksFallOnTheGridFromTheStepsStartWhateverTheTicks() {
    assertThat(EVERY_TEN_SECONDS.due(null, START.plusSeconds(9))).isEmpty();
    assertThat(EVERY_TEN_SECONDS.due(null, START.plusSeconds(25)))
        .containsExactly(START.plusSeconds(10), START.plusSeconds(20));
    assertThat(EVERY_TEN_SECONDS.due(START.plusSeconds(20), START.plusSeconds(29))).isEmpty();
    assertThat(EVERY_TEN_SECONDS.due(START.plusSeconds(20), START.plusSeconds(30)))
        .containsExactly(START.plusSeconds(30));
    assertThat(EVERY_TEN_SECONDS.next(START.plusSeconds(30))).isEqualTo(START.plusSeconds(40));
    assertThat(EVERY_TEN_SECONDS.next(START.minusSeconds(5))).isEqualTo(START.plusSeconds(10));
  }

  @Test
  void aLongBacklogIsThinnedEvenlyAndEndsAtTheLatestLook() {
    List<Instant> looks = EVERY_TEN_SECONDS.due(null, START.plus(Duration.ofHours(1)));

    assertThat(looks).hasSizeLessThanOrEqualTo(LookGrid.MAX_LOOKS).hasSizeGreaterThan(LookGrid.MAX_LOOKS / 2)
        .isSorted().last().isEqualTo(START.plus(Duration.ofHours(1)));
    assertThat(Duration.between(looks.get(0), looks.get(1))).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void noLookIsShorterThanTheShortestPromQlRange() {
    LookGrid everyHalfSecond = new LookGrid(START, Duration.ofMillis(500));

    assertThat(everyHalfSecond.due(null, START.plusMillis(1500))).containsExactly(START.plusSeconds(1),
        START.plusMillis(1500));
    assertThatThrownBy(() -> new LookGrid(START, Duration.ZERO)).hasMessageContaining("positive interval");
  }
}
