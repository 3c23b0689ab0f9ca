package io.keelson.release.analysis;

import static io.keelson.release.api.Verdict.ERROR;
import static io.keelson.release.api.Verdict.FAIL;
import static io.keelson.release.api.Verdict.INCONCLUSIVE;
import static io.keelson.release.api.Verdict.PASS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keelson.release.api.Check;
import io.keelson.release.api.Verdict;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The verdict table: one row per situation, each naming the answers the queries got and the outcome. */
class AnalysisEvaluatorTest {

  private static final Instant START = Instant.parse("2030-01-01T10:00:00Z");
  private static final CheckContext CONTEXT =
      CheckContext.forDeployment("shop", "checkout", START, START.plusSeconds(60));

  private static final QueryResult NO_SERIES = new QueryResult.NoData("no series");
  private static final QueryResult NAN = QueryResult.of(Double.NaN);
  private static final QueryResult DOWN = new QueryResult.Failed("Prometheus at http://prometheus:9090 is unreachable");

  static Check errorRate(Long minRequests, double max) {
    return new Check("error-rate", minRequests, new Check.ErrorRate(max), null, null, null);
  }

  static Check latency(Long minRequests, double quantile, double maxMs) {
    return new Check("latency", minRequests, null, new Check.Latency(quantile, maxMs), null, null);
  }

  static Check comparison(Check.ComparisonMetric metric, Double quantile, double maxDegradation) {
    return new Check("vs-stable", 10L, null, null, new Check.Comparison(metric, quantile, maxDegradation), null);
  }

  static Check custom(Double min, Double max) {
    return new Check("custom", null, null, null, null, new Check.Custom("vector(1)", min, max));
  }

  static QueryResult v(double value) {
    return new QueryResult.Value(value);
  }

  /** One row: the answers each query got, and the expected verdict, value and message fragment. */
  record Case(String name, Check check, QueryResult value, QueryResult samples, QueryResult stableValue,
      QueryResult stableSamples, Verdict verdict, Double measured, String says) {

    static Case of(String name, Check check, QueryResult value, QueryResult samples, Verdict verdict,
        Double measured, String says) {
      return new Case(name, check, value, samples, null, null, verdict, measured, says);
    }

    static Case compared(String name, Check check, QueryResult canary, QueryResult stable, QueryResult canarySamples,
        QueryResult stableSamples, Verdict verdict, Double measured, String says) {
      return new Case(name, check, canary, canarySamples, stable, stableSamples, verdict, measured, says);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> table() {
    Check errors = errorRate(20L, 0.05);
    Check p99 = latency(null, 0.99, 250);
    Check errorsVsStable = comparison(Check.ComparisonMetric.ERROR_RATE, null, 0.02);
    Check latencyVsStable = comparison(Check.ComparisonMetric.LATENCY, 0.9, 0.2);
    return Stream.of(
        Case.of("healthy error rate passes", errors, v(0.01), v(400), PASS, 0.01,
            "error rate 0.01 is at or below the maximum 0.05 (400 requests in 60s)"),
        Case.of("an error rate exactly at the maximum passes", errors, v(0.05), v(400), PASS, 0.05,
            "is at or below the maximum 0.05"),
        Case.of("an error rate above the maximum fails", errors, v(0.0501), v(400), FAIL, 0.0501,
            "error rate 0.0501 exceeds the maximum 0.05 (400 requests in 60s)"),
        Case.of("no series for the value is inconclusive", errors, NO_SERIES, v(400), INCONCLUSIVE, null,
            "no data (no series) for the error rate"),
        Case.of("NaN is no data, hence inconclusive", errors, NAN, v(400), INCONCLUSIVE, null,
            "no data (NaN) for the error rate"),
        Case.of("fewer requests than minRequests is inconclusive, even with a good value", errors, v(0.0),
            v(19), INCONCLUSIVE, null, "only 19 requests reached workload checkout-canary in 60s, fewer than 20"),
        Case.of("exactly minRequests requests are enough", errors, v(0.0), v(20), PASS, 0.0, "(20 requests"),
        Case.of("an extrapolated count is rounded before it is compared", errors, v(0.0), v(19.6), PASS, 0.0,
            "(20 requests"),
        Case.of("no traffic is inconclusive even when minRequests is 0", errorRate(0L, 0.05), v(0.0), v(0),
            INCONCLUSIVE, null, "no requests reached workload checkout-canary in 60s: no traffic is not health"),
        Case.of("no request series at all is no traffic", errorRate(null, 0.05), NO_SERIES, NO_SERIES,
            INCONCLUSIVE, null, "no traffic is not health"),
        Case.of("an unreachable Prometheus is an error", errors, DOWN, DOWN, ERROR, null,
            "query failed: Prometheus at http://prometheus:9090 is unreachable"),
        Case.of("a failed sample count is an error, whatever the value", errors, v(0.0),
            new QueryResult.Failed("timeout"), ERROR, null, "query failed: timeout"),
        Case.of("a latency quantile below the maximum passes", p99, v(180), v(50), PASS, 180.0,
            "p99 latency 180ms is at or below the maximum 250ms (50 requests in 60s)"),
        Case.of("a latency quantile at the maximum passes", p99, v(250), v(50), PASS, 250.0, "at or below"),
        Case.of("a latency quantile above the maximum fails", p99, v(312.5), v(50), FAIL, 312.5,
            "p99 latency 312.5ms exceeds the maximum 250ms"),
        Case.of("a latency quantile in the +Inf bucket fails", p99, v(Double.POSITIVE_INFINITY), v(50), FAIL,
            Double.POSITIVE_INFINITY, "p99 latency +Infms exceeds"),
        Case.of("a latency over a window without requests is inconclusive", p99, NAN, v(0), INCONCLUSIVE, null,
            "no traffic is not health"),
        Case.compared("a canary no worse than stable passes", errorsVsStable, v(0.01), v(0.01), v(100), v(900),
            PASS, 0.0, "canary error rate 0.01 vs stable 0.01: degradation 0 (absolute) is at or below the"
                + " maximum 0.02 (100 requests in 60s)"),
        Case.compared("a canary better than stable passes with a negative degradation", errorsVsStable,
            v(0.0), v(0.03), v(100), v(900), PASS, -0.03, "degradation -0.03 (absolute)"),
        Case.compared("a canary worse than stable by more than allowed fails", errorsVsStable, v(0.1), v(0.0),
            v(100), v(900), FAIL, 0.1, "canary error rate 0.1 vs stable 0: degradation 0.1 (absolute) exceeds"
                + " the maximum 0.02"),
        Case.compared("a latency degradation is relative to stable", latencyVsStable, v(150), v(100), v(100),
            v(900), FAIL, 0.5, "canary p90 latency 150ms vs stable 100ms: degradation 0.5 (relative) exceeds"),
        Case.compared("a latency degradation exactly at the maximum passes", latencyVsStable, v(120), v(100),
            v(100), v(900), PASS, 0.2, "degradation 0.2 (relative) is at or below the maximum 0.2"),
        Case.compared("a slower canary against an instant stable fails", latencyVsStable, v(10), v(0), v(100),
            v(900), FAIL, Double.POSITIVE_INFINITY, "degradation +Inf"),
        Case.compared("both +Inf cannot be compared", latencyVsStable, v(Double.POSITIVE_INFINITY),
            v(Double.POSITIVE_INFINITY), v(100), v(900), INCONCLUSIVE, null, "cannot be judged"),
        Case.compared("a stable without traffic makes a comparison inconclusive", errorsVsStable, v(0.0), NAN,
            v(100), v(0), INCONCLUSIVE, null, "no requests reached workload checkout in 60s"),
        Case.compared("a stable below minRequests makes a comparison inconclusive", errorsVsStable, v(0.0),
            v(0.0), v(100), v(9), INCONCLUSIVE, null, "only 9 requests reached workload checkout in 60s"),
        Case.compared("stable without data makes a comparison inconclusive", latencyVsStable, v(100), NO_SERIES,
            v(100), v(900), INCONCLUSIVE, null, "no data (no series) for the stable p90 latency"),
        Case.compared("an unreachable Prometheus for stable only is still an error", errorsVsStable, v(0.0), DOWN,
            v(100), v(900), ERROR, null, "query failed"),
        Case.of("a custom value within min and max passes", custom(1.0, 5.0), v(3), v(10), PASS, 3.0,
            "value 3 is within the minimum 1 and maximum 5"),
        Case.of("a custom value at its bounds passes", custom(1.0, 5.0), v(5), v(10), PASS, 5.0, "within"),
        Case.of("a custom value below min fails", custom(1.0, 5.0), v(0.5), v(10), FAIL, 0.5,
            "value 0.5 is below the minimum 1"),
        Case.of("a custom value above max fails", custom(null, 5.0), v(7), v(10), FAIL, 7.0,
            "value 7 exceeds the maximum 5"),
        Case.of("a custom check with only min passes any larger value", custom(1.0, null),
            v(Double.POSITIVE_INFINITY), v(10), PASS, Double.POSITIVE_INFINITY, "within the minimum 1 ("),
        Case.of("a custom check still needs canary traffic", custom(1.0, 5.0), v(3), v(0), INCONCLUSIVE, null,
            "no traffic is not health"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decides(Case row) {
    CheckQueries queries = AnalysisEvaluator.plan(row.check(), CONTEXT);
    Map<String, QueryResult> results = new HashMap<>();
    results.put(queries.value(), row.value());
    results.put(queries.samples(), row.samples());
    if (queries.isComparison()) {
      results.put(queries.stableValue(), row.stableValue());
      results.put(queries.stableSamples(), row.stableSamples());
    }

    Measurement measurement = AnalysisEvaluator.decide(queries, results);

    assertThat(measurement.verdict()).isEqualTo(row.verdict());
    assertThat(measurement.message()).contains(row.says());
    if (row.measured() == null) {
      assertThat(measurement.value()).isNull();
    } else {
      assertThat(measurement.value()).isCloseTo(row.measured(), Offset.offset(1e-9));
    }
    assertThat(measurement.check()).isEqualTo(row.check().name());
    assertThat(measurement.query()).isEqualTo(queries.recorded());
    assertThat(measurement.windowStart()).isEqualTo(CONTEXT.windowStart());
    assertThat(measurement.windowEnd()).isEqualTo(CONTEXT.windowEnd());
  }

  @Test
  void samplesAreRecordedAndForAComparisonAreTheSmallerSide() {
    CheckQueries queries = AnalysisEvaluator.plan(comparison(Check.ComparisonMetric.ERROR_RATE, null, 0.1),
        CONTEXT);
    Measurement measurement = AnalysisEvaluator.decide(queries, Map.of(queries.value(), v(0.0),
        queries.stableValue(), v(0.0), queries.samples(), v(40.2), queries.stableSamples(), v(360)));

    assertThat(measurement.samples()).isEqualTo(40L);
    assertThat(measurement.verdict()).isEqualTo(PASS);
  }

  @Test
  void aMissingAnswerIsAProgrammingErrorNotAVerdict() {
    CheckQueries queries = AnalysisEvaluator.plan(errorRate(null, 0.1), CONTEXT);

    assertThatThrownBy(() -> AnalysisEvaluator.decide(queries, Map.of(queries.value(), v(0.0))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("no answer for query sum(");
  }

  @Test
  void nanIsNeverAValue() {
    assertThat(QueryResult.of(Double.NaN)).isEqualTo(new QueryResult.NoData("NaN"));
    assertThat(QueryResult.of(Double.NEGATIVE_INFINITY)).isEqualTo(v(Double.NEGATIVE_INFINITY));
    assertThatThrownBy(() -> v(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }
}
