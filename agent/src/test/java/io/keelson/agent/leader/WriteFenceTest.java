package io.keelson.agent.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The fence closes when the Lease is lost, when renewals stall past the deadline, and when a term ends. */
class WriteFenceTest {

  private final AtomicLong nanos = new AtomicLong(1_000);
  private final WriteFence fence = new WriteFence(Duration.ofSeconds(10), nanos::get);

  private void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }

  @Test
  void closedUntilLeadershipStarts() {
    assertThat(fence.holds()).isFalse();
    assertThatThrownBy(fence::begin).isInstanceOf(WriteFence.LeadershipLost.class);
  }

  @Test
  void holdsUntilTheRenewDeadlinePassesWithoutARenewal() {
    fence.renewed(fence.now());
    fence.started();
    WriteFence.Term term = fence.begin();

    advance(Duration.ofSeconds(9));
    assertThat(fence.holds(term)).isTrue();
    advance(Duration.ofSeconds(2));
    assertThat(fence.holds(term)).as("no renewal for 11 s, deadline 10 s").isFalse();
    assertThatThrownBy(() -> fence.check(term)).isInstanceOf(WriteFence.LeadershipLost.class)
        .hasMessageContaining("no longer leads");
  }

  @Test
  void aRenewalCountsFromWhenItWasSent() {
    fence.renewed(fence.now());
    fence.started();
    advance(Duration.ofSeconds(8));
    long sent = fence.now();
    advance(Duration.ofSeconds(5)); // the renewal took 5 s to answer: the deadline passed meanwhile
    assertThat(fence.holds()).isFalse();
    fence.renewed(sent);
    assertThat(fence.holds()).as("renewed 5 s ago, deadline 10 s").isTrue();
    advance(Duration.ofSeconds(6));
    assertThat(fence.holds()).isFalse();
  }

  @Test
  void losingTheLeaseClosesAtOnceAndWorkOfAnEndedTermStaysStopped() {
    fence.renewed(fence.now());
    fence.started();
    WriteFence.Term first = fence.begin();
    fence.stopped();
    assertThat(fence.holds(first)).isFalse();

    fence.renewed(fence.now());
    fence.started();
    assertThat(fence.holds()).isTrue();
    assertThat(fence.holds(first)).as("leading again does not revive the first term's work").isFalse();
  }

  @Test
  void anUnfencedReplicaAlwaysWrites() {
    WriteFence alone = WriteFence.unfenced();
    assertThat(alone.holds(alone.begin())).isTrue();
  }

  @Test
  void closingForStopEndsEveryTermForGoodEvenWithoutLeaderElection() {
    WriteFence alone = WriteFence.unfenced();
    WriteFence.Term term = alone.begin();

    alone.close();
    alone.started();

    assertThat(alone.holds(term)).isFalse();
    assertThat(alone.holds()).as("a new term after the stop").isFalse();
  }
}
