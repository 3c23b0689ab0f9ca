package io.keelson.release.api;

/** The outcome of one check over one window. Only PASS lets a release advance. */
public enum Verdict {
  PASS,
  FAIL,
  /**
   * Too few samples (none, or fewer than the check's minRequests), or no value to judge (no series, NaN): no
   * traffic is not health.
   */
  INCONCLUSIVE,
  /** The metric could not be read (Prometheus unreachable, bad query). */
  ERROR
}
