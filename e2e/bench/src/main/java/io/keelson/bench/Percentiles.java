package io.keelson.bench;

import java.util.List;

/** Nearest-rank percentiles of measured durations. */
final class Percentiles {

  private Percentiles() {}

  /** The smallest value at or above {@code percent}% of the values (nearest rank). */
  static double of(List<Double> values, int percent) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    List<Double> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
