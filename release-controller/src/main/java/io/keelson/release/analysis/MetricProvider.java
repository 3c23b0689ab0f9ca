package io.keelson.release.analysis;

import java.time.Instant;

/**
 * Runs PromQL instant queries. The analysis reaches its metrics only through this interface, so deciding
 * verdicts stays free of HTTP.
 *
 * <p>Implementations answer every problem with {@link QueryResult.Failed} rather than an exception; the
 * analysis still turns an unexpected exception into an ERROR verdict.
 */
public interface MetricProvider {

  /** Evaluates {@code promql} as an instant query at {@code at}. */
  QueryResult query(String promql, Instant at);
}
