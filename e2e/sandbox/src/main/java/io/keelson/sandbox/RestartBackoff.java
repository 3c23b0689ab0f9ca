package io.keelson.sandbox;

import java.time.Duration;

/**
 * How long to wait before restarting a process that exited: doubling from {@code first} up to {@code max} while
 * it keeps exiting soon after each start, and back to {@code first} once it ran for {@code healthyAfter}. Pure.
 */
record RestartBackoff(Duration first, Duration max, Duration healthyAfter) {

  static RestartBackoff forAgent() {
    return new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60));
  }

  /**
   * The delay before the next start.
   *
   * @param previous the delay before the start that just ended, or null for the first exit
   * @param ran how long that run lasted
   */
  Duration next(Duration previous, Duration ran) {
    if (previous == null || ran.compareTo(healthyAfter) >= 0) {
      return first;
    }
    Duration doubled = previous.multipliedBy(2);
    return doubled.compareTo(max) > 0 ? max : doubled;
  }
}
