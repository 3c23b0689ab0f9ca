package io.keelson.agent.leader;

import java.time.Duration;

/** Whether this replica leads, and who does: what a follower tells a caller it cannot serve. */
public interface LeaderState {

  boolean isLeader();

  /** The current leader's identity, empty when unknown. */
  String leader();

  /** How long a caller turned away by a follower should wait before trying again. */
  Duration retryAfter();

  /** Who leads for one source: the same as for the whole replica unless sources are sharded across replicas. */
  default LeaderState forSource(String source) {
    return this;
  }

  /** A replica that elects no leader: it always leads. */
  static LeaderState alone(String identity) {
    return new LeaderState() {
      @Override
      public boolean isLeader() {
        return true;
      }

      @Override
      public String leader() {
        return identity;
      }

      @Override
      public Duration retryAfter() {
        return Duration.ZERO;
      }
    };
  }
}
