package io.keelson.release.analysis;

import java.util.Objects;

/**
 * The answer to one PromQL instant query. "No data" and "could not ask" are different answers: the first
 * makes a check INCONCLUSIVE, the second makes it ERROR.
 */
public sealed interface QueryResult {

  /**
   * One number. Never NaN (see {@link #of(double)}); may be infinite, e.g. a latency quantile that falls
   * into the {@code +Inf} bucket.
   */
  record Value(double value) implements QueryResult {
    public Value {
      if (Double.isNaN(value)) {
        throw new IllegalArgumentException("NaN is no data, not a value; use QueryResult.of");
      }
    }
  }

  /**
   * The query ran, but yielded nothing to judge: an empty result (no series matched) or NaN (e.g. a ratio
   * over a window without requests).
   *
   * @param reason why there is no value, e.g. "no series" or "NaN"
   */
  record NoData(String reason) implements QueryResult {
    public NoData {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The query could not be answered: metrics backend unreachable, HTTP error, rejected query, timeout, or an
   * answer that does not reduce to one number.
   *
   * @param reason what went wrong, in a sentence
   */
  record Failed(String reason) implements QueryResult {
    public Failed {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** A number read from the backend: NaN becomes {@link NoData}, anything else a {@link Value}. */
  static QueryResult of(double value) {
    return Double.isNaN(value) ? new NoData("NaN") : new Value(value);
  }
}
