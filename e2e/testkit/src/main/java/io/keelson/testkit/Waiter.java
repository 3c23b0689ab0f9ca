package io.keelson.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Polls a condition until it holds, failing with what was last seen. */
public final class Waiter {

  private Waiter() {}

  /**
   * Calls {@code probe} every {@code every} until it returns a non-null value; an exception from the
   * probe counts as "not yet". {@code failure} is checked each time (null: all is well), so a crashed server
   * fails fast.
   */
  public static <T> T await(String what, Duration timeout, Duration every, Supplier<T> probe, Supplier<String> failure) {
    Instant deadline = Instant.now().plus(timeout);
    RuntimeException last = null;
    while (Instant.now().isBefore(deadline)) {
      String failed = failure.get();
      if (failed != null) {
        throw new IllegalStateException(what + " failed: " + failed);
      }
      try {
        T value = probe.get();
        if (value != null) {
          return value;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      try {
        Thread.sleep(every.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
    throw new IllegalStateException("timed out after " + timeout.toSeconds() + "s waiting for " + what
        + (last != null ? " (last error: " + last.getMessage() + ")" : ""), last);
  }
}
