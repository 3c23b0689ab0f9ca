package io.keelson.release.analysis;

import io.keelson.release.api.Check;
import io.keelson.release.api.Verdict;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Map;

/**
 * Turns a check into its queries ({@link #plan}) and the answers into a verdict ({@link #decide}); running the
 * queries is the caller's business (see {@link Analysis}), so both halves are pure.
 *
 * <p>The verdict, first rule that applies:
 * <ol>
 *   <li>ERROR when any query failed (metrics unreachable, rejected query, timeout).
 *   <li>INCONCLUSIVE when the canary (for a comparison: either side) served no request in the window, or
 *       fewer than {@code minRequests}: no traffic is not health, whatever {@code minRequests} says.
 *   <li>INCONCLUSIVE when the value is no data (no series, or NaN).
 *   <li>FAIL when the value breaches the threshold. Thresholds are inclusive: a value equal to the maximum
 *       (or minimum) passes.
 *   <li>PASS otherwise.
 * </ol>
 *
 * <p>Comparisons judge the canary's degradation against stable over the same window: for the error rate the
 * absolute difference {@code canary - stable} (0.01 = one percentage point worse), because stable's error
 * rate is often exactly 0 and a ratio to it would turn a single canary error into an infinite degradation;
 * for latency the relative difference {@code (canary - stable) / stable} (0.2 = 20% slower). A canary better
 * than stable has a negative degradation and passes.
 */
public final class AnalysisEvaluator {

  private AnalysisEvaluator() {}

  /**
   * The queries {@code check} needs over {@code context}'s window.
   *
   * @throws IllegalArgumentException when the check is malformed: not exactly one kind, a required field
   *     missing, or a custom template with an unknown placeholder
   */
  public static CheckQueries plan(Check check, CheckContext context) {
    String namespace = context.namespace();
    long window = context.windowSeconds();
    String canarySamples = AnalysisQueries.requestCount(namespace, context.canary(), window);
    return switch (kind(check)) {
      case ERROR_RATE -> {
        required(check, "errorRate.max", check.errorRate().max());
        yield new CheckQueries(check, context, AnalysisQueries.errorRate(namespace, context.canary(), window), null,
            canarySamples, null);
      }
      case LATENCY -> {
        double quantile = required(check, "latency.quantile", check.latency().quantile());
        required(check, "latency.maxMs", check.latency().maxMs());
        yield new CheckQueries(check, context,
            AnalysisQueries.latency(namespace, context.canary(), quantile, window), null, canarySamples, null);
      }
      case COMPARISON -> {
        Check.Comparison comparison = check.comparison();
        required(check, "comparison.maxDegradation", comparison.maxDegradation());
        if (comparison.metric() == null) {
          throw new IllegalArgumentException("check " + check.name() + ": comparison.metric is required");
        }
        String stableSamples = AnalysisQueries.requestCount(namespace, context.stable(), window);
        yield switch (comparison.metric()) {
          case ERROR_RATE -> new CheckQueries(check, context,
              AnalysisQueries.errorRate(namespace, context.canary(), window),
              AnalysisQueries.errorRate(namespace, context.stable(), window), canarySamples, stableSamples);
          case LATENCY -> {
            double quantile = required(check, "comparison.quantile", comparison.quantile());
            yield new CheckQueries(check, context,
                AnalysisQueries.latency(namespace, context.canary(), quantile, window),
                AnalysisQueries.latency(namespace, context.stable(), quantile, window), canarySamples,
                stableSamples);
          }
        };
      }
      case CUSTOM -> {
        Check.Custom custom = check.custom();
        if (custom.min() == null && custom.max() == null) {
          throw new IllegalArgumentException("check " + check.name() + ": a custom check needs min or max");
        }
        try {
          yield new CheckQueries(check, context, AnalysisQueries.custom(custom.query(), context), null,
              canarySamples, null);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("check " + check.name() + ": " + e.getMessage(), e);
        }
      }
    };
  }

  /**
   * The verdict on {@code queries} given the answers, keyed by the PromQL as sent.
   *
   * @throws IllegalArgumentException when an answer to one of {@code queries.all()} is missing
   */
  public static Measurement decide(CheckQueries queries, Map<String, QueryResult> results) {
    Outcome outcome = judge(queries, results);
    CheckContext context = queries.context();
    return new Measurement(queries.check().name(), queries.recorded(), context.windowStart(), context.windowEnd(),
        outcome.value(), outcome.samples(), outcome.verdict(), outcome.message());
  }

  /** An ERROR measurement for a check that could not even be planned (see {@link #plan}). */
  public static Measurement unplannable(Check check, CheckContext context, String reason) {
    String name = check.name() == null ? "" : check.name();
    return new Measurement(name, null, context.windowStart(), context.windowEnd(), null, null, Verdict.ERROR,
        reason);
  }

  private record Outcome(Double value, Long samples, Verdict verdict, String message) {}

  private static Outcome judge(CheckQueries queries, Map<String, QueryResult> results) {
    for (String query : queries.all()) {
      if (answer(results, query) instanceof QueryResult.Failed failed) {
        return new Outcome(null, null, Verdict.ERROR, "query failed: " + failed.reason());
      }
    }
    CheckContext context = queries.context();
    Check check = queries.check();
    String window = context.windowSeconds() + "s";
    long minRequests = check.minRequests() == null ? 0 : check.minRequests();

    long samples = count(answer(results, queries.samples()));
    String tooFew = tooFew(context.canary(), samples, minRequests, window);
    if (queries.isComparison()) {
      long stableSamples = count(answer(results, queries.stableSamples()));
      if (tooFew == null) {
        tooFew = tooFew(context.stable(), stableSamples, minRequests, window);
      }
      samples = Math.min(samples, stableSamples);
    }
    if (tooFew != null) {
      return new Outcome(null, samples, Verdict.INCONCLUSIVE, tooFew);
    }

    QueryResult value = answer(results, queries.value());
    String traffic = " (" + samples + " requests in " + window + ")";
    return switch (kind(check)) {
      case ERROR_RATE -> atMost(value, "error rate", check.errorRate().max(), "", samples, traffic);
      case LATENCY -> atMost(value, "p" + percentile(check.latency().quantile()) + " latency",
          check.latency().maxMs(), "ms", samples, traffic);
      case CUSTOM -> within(value, check.custom(), samples, traffic);
      case COMPARISON -> compare(check.comparison(), value, answer(results, queries.stableValue()), samples,
          traffic);
    };
  }

  private static Outcome atMost(QueryResult result, String what, double max, String unit, long samples,
      String traffic) {
    if (!(result instanceof QueryResult.Value measured)) {
      return noData(result, what, samples, traffic);
    }
    double value = measured.value();
    boolean pass = value <= max;
    return new Outcome(value, samples, pass ? Verdict.PASS : Verdict.FAIL, what + " " + show(value) + unit
        + (pass ? " is at or below" : " exceeds") + " the maximum " + show(max) + unit + traffic);
  }

  private static Outcome within(QueryResult result, Check.Custom custom, long samples, String traffic) {
    if (!(result instanceof QueryResult.Value measured)) {
      return noData(result, "value", samples, traffic);
    }
    double value = measured.value();
    String bounds = (custom.min() == null ? "" : "minimum " + show(custom.min()))
        + (custom.min() != null && custom.max() != null ? " and " : "")
        + (custom.max() == null ? "" : "maximum " + show(custom.max()));
    if (custom.min() != null && value < custom.min()) {
      return new Outcome(value, samples, Verdict.FAIL, "value " + show(value) + " is below the minimum "
          + show(custom.min()) + traffic);
    }
    if (custom.max() != null && value > custom.max()) {
      return new Outcome(value, samples, Verdict.FAIL, "value " + show(value) + " exceeds the maximum "
          + show(custom.max()) + traffic);
    }
    return new Outcome(value, samples, Verdict.PASS, "value " + show(value) + " is within the " + bounds
        + traffic);
  }

  private static Outcome compare(Check.Comparison comparison, QueryResult canaryResult, QueryResult stableResult,
      long samples, String traffic) {
    boolean latency = comparison.metric() == Check.ComparisonMetric.LATENCY;
    String what = latency ? "p" + percentile(comparison.quantile()) + " latency" : "error rate";
    String unit = latency ? "ms" : "";
    if (!(canaryResult instanceof QueryResult.Value canaryValue)) {
      return noData(canaryResult, "canary " + what, samples, traffic);
    }
    if (!(stableResult instanceof QueryResult.Value stableValue)) {
      return noData(stableResult, "stable " + what, samples, traffic);
    }
    double canary = canaryValue.value();
    double stable = stableValue.value();
    double degradation = latency ? relative(canary, stable) : canary - stable;
    String compared = "canary " + what + " " + show(canary) + unit + " vs stable " + show(stable) + unit
        + ": degradation " + show(degradation) + (latency ? " (relative)" : " (absolute)");
    if (Double.isNaN(degradation)) {
      return new Outcome(null, samples, Verdict.INCONCLUSIVE, compared + " cannot be judged" + traffic);
    }
    boolean pass = degradation <= comparison.maxDegradation();
    return new Outcome(degradation, samples, pass ? Verdict.PASS : Verdict.FAIL, compared
        + (pass ? " is at or below" : " exceeds") + " the maximum " + show(comparison.maxDegradation()) + traffic);
  }

  private static double relative(double canary, double stable) {
    if (stable == 0) {
      return canary == 0 ? 0 : Double.POSITIVE_INFINITY;
    }
    return (canary - stable) / stable;
  }

  private static Outcome noData(QueryResult result, String what, long samples, String traffic) {
    String reason = result instanceof QueryResult.NoData none ? none.reason() : "no value";
    return new Outcome(null, samples, Verdict.INCONCLUSIVE, "no data (" + reason + ") for the " + what + traffic);
  }

  private static String tooFew(String workload, long samples, long minRequests, String window) {
    if (samples == 0) {
      return "no requests reached workload " + workload + " in " + window + ": no traffic is not health";
    }
    if (samples < minRequests) {
      return "only " + samples + " requests reached workload " + workload + " in " + window + ", fewer than "
          + minRequests + " (minRequests)";
    }
    return null;
  }

  /** A request count; a counter without any series means no requests. */
  static long count(QueryResult result) {
    if (result instanceof QueryResult.Value value && value.value() > 0) {
      // increase() extrapolates to the window's edges, so counts are rarely whole numbers.
      return Math.round(value.value());
    }
    return 0;
  }

  private static QueryResult answer(Map<String, QueryResult> results, String query) {
    QueryResult result = results.get(query);
    if (result == null) {
      throw new IllegalArgumentException("no answer for query " + query);
    }
    return result;
  }

  private enum Kind { ERROR_RATE, LATENCY, COMPARISON, CUSTOM }

  private static Kind kind(Check check) {
    int kinds = (check.errorRate() != null ? 1 : 0) + (check.latency() != null ? 1 : 0)
        + (check.comparison() != null ? 1 : 0) + (check.custom() != null ? 1 : 0);
    if (kinds != 1) {
      throw new IllegalArgumentException("check " + check.name()
          + ": a check sets exactly one of errorRate, latency, comparison or custom");
    }
    if (check.errorRate() != null) {
      return Kind.ERROR_RATE;
    }
    if (check.latency() != null) {
      return Kind.LATENCY;
    }
    return check.comparison() != null ? Kind.COMPARISON : Kind.CUSTOM;
  }

  private static double required(Check check, String field, Double value) {
    if (value == null || value.isNaN()) {
      throw new IllegalArgumentException("check " + check.name() + ": " + field + " is required");
    }
    return value;
  }

  /** 0.99 → "99", 0.999 → "99.9", 0.5 → "50". */
  private static String percentile(double quantile) {
    return AnalysisQueries.number(BigDecimal.valueOf(quantile).movePointRight(2).doubleValue());
  }

  /** A number for a message: four significant digits at most. */
  static String show(double value) {
    if (!Double.isFinite(value)) {
      return AnalysisQueries.number(value);
    }
    return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
