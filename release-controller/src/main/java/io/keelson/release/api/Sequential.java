package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The anytime-valid sequential test of canary against stable: while a step gives the canary traffic, it looks at
 * the counts since the step's start every {@link #lookInterval} and rolls back as soon as the evidence that the
 * canary is worse crosses the boundary 1/α, without waiting for the step's interval. The fixed checks still judge
 * every step at the interval's end.
 *
 * @param alpha the probability of rolling back a canary that is no worse than stable, however often the test
 *     looks; in (0, 1), default {@value #DEFAULT_ALPHA}
 * @param lookInterval how often the test looks, e.g. "10s" (default); looking more often than Prometheus scrapes
 *     adds nothing
 * @param latencyMs when set, a second test treats requests slower than this many milliseconds as failures; it must
 *     be a bucket bound of Istio's request duration histogram ({@link #LATENCY_BUCKETS_MS})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Sequential(Double alpha, String lookInterval, Double latencyMs) {

  public static final double DEFAULT_ALPHA = 0.01;
  public static final String DEFAULT_LOOK_INTERVAL = "10s";

  /** The upper bounds of Istio's default request duration buckets, in milliseconds. */
  public static final List<Double> LATENCY_BUCKETS_MS = List.of(0.5, 1.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0,
      500.0, 1000.0, 2500.0, 5000.0, 10000.0, 30000.0, 60000.0, 300000.0, 600000.0, 1800000.0, 3600000.0);

  /** The false-alarm probability with its default applied. */
  public double effectiveAlpha() {
    return alpha == null ? DEFAULT_ALPHA : alpha;
  }
}
