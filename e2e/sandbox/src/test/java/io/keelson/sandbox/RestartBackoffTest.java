package io.keelson.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {

  private final RestartBackoff backoff = RestartBackoff.forAgent();

  @Test
  void anAgentThatKeepsExitingWaitsTwiceAsLongEachTimeUpToTheMaximum() {
    Duration delay = null;
    StringBuilder delays = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      delay = backoff.next(delay, Duration.ofSeconds(2));
      delays.append(delay.toSeconds()).append(' ');
    }

    assertThat(delays.toString().trim()).isEqualTo("1 2 4 8 16 30 30 30");
  }

  @Test
  void anAgentThatRanForAWhileIsRestartedAtOnceAgain() {
    assertThat(backoff.next(Duration.ofSeconds(30), Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(1));
  }
}
