package io.keelson.bench;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls until a probe yields a value, failing with what was awaited and the last error seen. */
final class Poll {

  private Poll() {}

  static <T> T until(String what, Duration timeout, Duration every, Supplier<T> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        T value = probe.get();
        if (value != null) {
          return value;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      sleep(every);
    }
    throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what
        + (last != null ? " (last error: " + last + ")" : ""), last);
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
