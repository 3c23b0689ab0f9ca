package io.keelson.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.plan.UnchangedObjects.Remembered;
import io.keelson.agent.plan.UnchangedObjects.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UnchangedObjectsTest {

  private static final Instant CHECKED = Instant.parse("2026-11-01T10:00:00Z");
  private static final Duration MAX_AGE = Duration.ofMinutes(10);
  private static final Optional<Remembered> APPLIED = Optional.of(new Remembered("h1", "41", CHECKED));

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("same content, same version, recently checked", APPLIED, "h1", Optional.of("41"),
            CHECKED.plusSeconds(30), Verdict.UNCHANGED),
        Arguments.of("nothing remembered (first sync after a start)", Optional.empty(), "h1", Optional.of("41"),
            CHECKED, Verdict.NOTHING_REMEMBERED),
        Arguments.of("Git changed the object", APPLIED, "h2", Optional.of("41"), CHECKED,
            Verdict.DESIRED_CHANGED),
        Arguments.of("someone wrote the object", APPLIED, "h1", Optional.of("42"), CHECKED,
            Verdict.LIVE_CHANGED),
        Arguments.of("the cache cannot vouch for it", APPLIED, "h1", Optional.empty(), CHECKED,
            Verdict.NOT_CACHED),
        Arguments.of("checked too long ago", APPLIED, "h1", Optional.of("41"), CHECKED.plus(MAX_AGE),
            Verdict.CHECK_DUE),
        Arguments.of("a changed desired object wins over an unchanged live one", APPLIED, "h2", Optional.empty(),
            CHECKED, Verdict.DESIRED_CHANGED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void judges(String situation, Optional<Remembered> remembered, String desiredHash, Optional<String> cached,
      Instant now, Verdict expected) {
    assertThat(UnchangedObjects.judge(remembered, desiredHash, cached, now, MAX_AGE)).isEqualTo(expected);
  }
}
