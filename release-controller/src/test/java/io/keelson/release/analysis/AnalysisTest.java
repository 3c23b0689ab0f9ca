package io.keelson.release.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.keelson.release.api.Check;
import io.keelson.release.api.Evidence;
import io.keelson.release.api.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalysisTest {

  private static final Instant START = Instant.parse("2030-01-01T10:00:00Z");
  private static final Instant END = START.plusSeconds(30);
  private static final CheckContext CONTEXT = CheckContext.forDeployment("shop", "checkout", START, END);

  private static final String CANARY_COUNT = AnalysisQueries.requestCount("shop", "checkout-canary", 30);
  private static final String CANARY_ERRORS = AnalysisQueries.errorRate("shop", "checkout-canary", 30);
  private static final String CANARY_P99 = AnalysisQueries.latency("shop", "checkout-canary", 0.99, 30);

  /** Answers from a table and records what it was asked; unknown queries have no series. */
  static final class TableProvider implements MetricProvider {
    final Map<String, QueryResult> answers = new HashMap<>();
    final List<String> asked = new ArrayList<>();
    final List<Instant> at = new ArrayList<>();

    TableProvider answer(String promql, QueryResult result) {
      answers.put(promql, result);
      return this;
    }

    @Override
    public QueryResult query(String promql, Instant when) {
      asked.add(promql);
      at.add(when);
      return answers.getOrDefault(promql, new QueryResult.NoData("no series"));
    }
  }

  @Test
  void everyCheckIsMeasuredInOrderAndEachDistinctQueryIsSentOnceAtTheWindowsEnd() {
    TableProvider provider = new TableProvider()
        .answer(CANARY_COUNT, new QueryResult.Value(500))
        .answer(CANARY_ERRORS, new QueryResult.Value(0.1))
        .answer(CANARY_P99, new QueryResult.Value(80));
    List<Check> checks = List.of(
        new Check("errors", 100L, new Check.ErrorRate(0.05), null, null, null),
        new Check("p99", 100L, null, new Check.Latency(0.99, 250.0), null, null));

    List<Measurement> measurements = new Analysis(provider).run(checks, CONTEXT);

    assertThat(measurements).extracting(Measurement::check, Measurement::verdict)
        .containsExactly(tuple("errors", Verdict.FAIL),
            tuple("p99", Verdict.PASS));
    assertThat(provider.asked).containsExactly(CANARY_ERRORS, CANARY_COUNT, CANARY_P99);
    assertThat(provider.at).containsOnly(END);
  }

  @Test
  void aCheckThatCannotBePlannedIsAnErrorAndTheOthersAreStillMeasured() {
    TableProvider provider = new TableProvider()
        .answer(CANARY_COUNT, new QueryResult.Value(500))
        .answer(CANARY_ERRORS, new QueryResult.Value(0.0));
    List<Check> checks = List.of(
        new Check("typo", null, null, null, null, new Check.Custom("sum(x[{{windw}}])", null, 1.0)),
        new Check("errors", null, new Check.ErrorRate(0.05), null, null, null));

    List<Measurement> measurements = new Analysis(provider).run(checks, CONTEXT);

    assertThat(measurements.get(0).verdict()).isEqualTo(Verdict.ERROR);
    assertThat(measurements.get(0).message()).startsWith("check typo: unknown placeholder {{windw}}");
    assertThat(measurements.get(0).query()).isNull();
    assertThat(measurements.get(1).verdict()).isEqualTo(Verdict.PASS);
  }

  @Test
  void aProviderThatThrowsGivesAnErrorVerdictNotAnException() {
    MetricProvider broken = (promql, when) -> {
      throw new IllegalStateException("connection pool closed");
    };

    List<Measurement> measurements = new Analysis(broken)
        .run(List.of(new Check("errors", null, new Check.ErrorRate(0.05), null, null, null)), CONTEXT);

    assertThat(measurements).singleElement().satisfies(measurement -> {
      assertThat(measurement.verdict()).isEqualTo(Verdict.ERROR);
      assertThat(measurement.message()).contains("connection pool closed");
    });
  }

  @Test
  void aMeasurementBecomesEvidenceWithRfc3339WindowAndNoInfiniteValue() {
    Measurement failed = new Measurement("p99", CANARY_P99, START, END, Double.POSITIVE_INFINITY, 12L,
        Verdict.FAIL, "p99 latency +Infms exceeds the maximum 250ms (12 requests in 30s)");
    Measurement passed = new Measurement("errors", CANARY_ERRORS, START, END, 0.01, 500L, Verdict.PASS, "ok");

    assertThat(failed.toEvidence(2)).isEqualTo(new Evidence(2, "p99", CANARY_P99, "2030-01-01T10:00:00Z",
        "2030-01-01T10:00:30Z", null, 12L, Verdict.FAIL,
        "p99 latency +Infms exceeds the maximum 250ms (12 requests in 30s)"));
    assertThat(passed.toEvidence(0).value()).isEqualTo(0.01);
    assertThat(passed.toEvidence(0).step()).isZero();
  }

  @Test
  void theSequentialTestReadsBothWorkloadsCountsSinceTheStepsStart() {
    AnalysisQueries.Growth sinceStart = AnalysisQueries.sinceStart(CONTEXT.windowStart());
    String canaryCount = AnalysisQueries.requestCount("shop", "checkout-canary", sinceStart);
    String canaryErrors = AnalysisQueries.errorCount("shop", "checkout-canary", sinceStart);
    String stableCount = AnalysisQueries.requestCount("shop", "checkout", sinceStart);
    TableProvider provider = new TableProvider()
        .answer(canaryCount, new QueryResult.Value(120))
        .answer(canaryErrors, new QueryResult.Value(3))
        .answer(stableCount, new QueryResult.Value(1080));

    // Stable served no 5xx, so its error counter has no series: that is 0 errors, not missing data.
    assertThat(new Analysis(provider).counts(CONTEXT)).contains(new ArmCounts(120, 3, 1080, 0));
    assertThat(provider.asked).containsExactly(canaryCount, canaryErrors, stableCount,
        AnalysisQueries.errorCount("shop", "checkout", sinceStart));
    assertThat(provider.at).containsOnly(END);
  }

  @Test
  void aFailedCountIsASkippedLookNotZeroTraffic() {
    AnalysisQueries.Growth sinceStart = AnalysisQueries.sinceStart(CONTEXT.windowStart());
    TableProvider provider = new TableProvider()
        .answer(AnalysisQueries.requestCount("shop", "checkout-canary", sinceStart), new QueryResult.Value(120))
        .answer(AnalysisQueries.requestCount("shop", "checkout", sinceStart), new QueryResult.Failed("timeout"));

    assertThat(new Analysis(provider).counts(CONTEXT)).isEmpty();
  }
}
