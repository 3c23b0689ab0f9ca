package io.keelson.release.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * When a sequential test looks at a step: at {@code start + k·every}, k = 1, 2, ... The looks are fixed by time
 * alone, never by the counts, which is what the test's guarantee asks of them; and being a function of the step's
 * start, they are the same for a controller that restarted mid-step, which replays them from Prometheus.
 *
 * @param start when the step's routing took effect
 * @param every the time between looks
 */
public record LookGrid(Instant start, Duration every) {

  /**
   * The most looks taken at once. A longer backlog (a restart late in a long step) is thinned evenly: skipping
   * looks merges their increments, which costs the test a little speed and nothing of its guarantee.
   */
  static final int MAX_LOOKS = 60;

  public LookGrid {
    Objects.requireNonNull(start, "start");
    if (every == null || every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("looks need a positive interval, not " + every);
    }
  }

  /**
   * The looks after {@code last} (exclusive; null = none taken yet) up to {@code now} (inclusive), oldest first,
   * at most {@link #MAX_LOOKS}, the latest always among them. A look less than a second after the start is left
   * out: no PromQL range is that short.
   */
  public List<Instant> due(Instant last, Instant now) {
    long first = last == null ? 1 : index(last) + 1;
    long latest = index(now);
    List<Instant> looks = new ArrayList<>();
    long stride = Math.max(1, (latest - first + MAX_LOOKS) / MAX_LOOKS);
    for (long k = latest; k >= first; k -= stride) {
      Instant look = at(k);
      if (Duration.between(start, look).getSeconds() >= 1) {
        looks.add(0, look);
      }
    }
    return List.copyOf(looks);
  }

  /** The first look after {@code now}. */
  public Instant next(Instant now) {
    return at(Math.max(0, index(now)) + 1);
  }

  /** The grid index of the latest look at or before {@code time}; 0 (the start) or less before the first. */
  private long index(Instant time) {
    Duration since = Duration.between(start, time);
    return since.isNegative() ? 0 : since.toNanos() / every.toNanos();
  }

  private Instant at(long k) {
    return start.plus(every.multipliedBy(k));
  }
}
