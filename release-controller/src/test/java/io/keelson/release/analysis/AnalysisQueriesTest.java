package io.keelson.release.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keelson.release.api.Check;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AnalysisQueriesTest {

  private static final Instant START = Instant.parse("2030-01-01T10:00:00Z");
  private static final CheckContext CONTEXT =
      CheckContext.forDeployment("shop", "checkout", START, START.plusSeconds(120));

  @Test
  void theRequestCountSumsTheIncreaseOfIstiosRequestCounterOverTheWindow() {
    assertThat(AnalysisQueries.requestCount("shop", "checkout-canary", 120)).isEqualTo(
        "sum(increase(istio_requests_total{reporter=\"destination\", destination_workload_namespace=\"shop\","
            + " destination_workload=\"checkout-canary\"}[120s]))");
  }

  @Test
  void theErrorRateDividesThe5xxIncreaseByTheTotalIncreaseAndCountsMissing5xxSeriesAsZero() {
    assertThat(AnalysisQueries.errorRate("shop", "checkout-canary", 120)).isEqualTo(
        "(sum(increase(istio_requests_total{reporter=\"destination\", destination_workload_namespace=\"shop\","
            + " destination_workload=\"checkout-canary\", response_code=~\"5..\"}[120s])) or vector(0))"
            + " / sum(increase(istio_requests_total{reporter=\"destination\","
            + " destination_workload_namespace=\"shop\", destination_workload=\"checkout-canary\"}[120s]))");
  }

  @Test
  void theLatencyIsAHistogramQuantileOverTheBucketsIncreaseSummedByLe() {
    assertThat(AnalysisQueries.latency("shop", "checkout-canary", 0.99, 45)).isEqualTo(
        "histogram_quantile(0.99, sum by (le) (increase(istio_request_duration_milliseconds_bucket{"
            + "reporter=\"destination\", destination_workload_namespace=\"shop\","
            + " destination_workload=\"checkout-canary\"}[45s])))");
    assertThat(AnalysisQueries.latency("shop", "checkout", 0.5, 45)).startsWith("histogram_quantile(0.5, ");
  }

  @Test
  void theSequentialCountIsTheCounterLessItsValueAtTheStartPerSeriesWithNewOrResetSeriesWhole() {
    String series = "istio_requests_total{reporter=\"destination\", destination_workload_namespace=\"shop\","
        + " destination_workload=\"checkout-canary\"}";
    assertThat(AnalysisQueries.requestCount("shop", "checkout-canary",
        AnalysisQueries.sinceStart(START.plusMillis(250)))).isEqualTo(
        "sum(((" + series + " - " + series + " @ 1893492000.250) >= 0 or " + series + " + 0))");
  }

  @Test
  void labelValuesAreEscapedAsPromqlStrings() {
    assertThat(AnalysisQueries.requestCount("a\"b", "c\\d", 1))
        .contains("destination_workload_namespace=\"a\\\"b\"", "destination_workload=\"c\\\\d\"");
  }

  @Test
  void theWindowIsTheContextsLengthInWholeSecondsSoItNeverReachesBeforeItsStart() {
    CheckContext context = CheckContext.forDeployment("shop", "checkout", START,
        START.plusSeconds(90).plusMillis(900));

    assertThat(context.windowSeconds()).isEqualTo(90);
    assertThat(context.canary()).isEqualTo("checkout-canary");
    assertThatThrownBy(() -> CheckContext.forDeployment("shop", "checkout", START, START.plusMillis(999)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1s");
  }

  @Test
  void aCustomTemplateHasItsPlaceholdersSubstituted() {
    String template = "sum(rate(http_server_errors_total{namespace=\"{{namespace}}\", app=\"{{ canary }}\"}"
        + "[{{window}}])) / sum(rate(http_server_errors_total{namespace=\"{{namespace}}\", app=\"{{stable}}\"}"
        + "[{{window}}]))";

    assertThat(AnalysisQueries.custom(template, CONTEXT)).isEqualTo(
        "sum(rate(http_server_errors_total{namespace=\"shop\", app=\"checkout-canary\"}[120s]))"
            + " / sum(rate(http_server_errors_total{namespace=\"shop\", app=\"checkout\"}[120s]))");
  }

  @Test
  void aCustomTemplateSubstitutesValuesLiterallyEvenWithReplacementSyntax() {
    CheckContext context = CheckContext.forDeployment("ns$1", "app", START, START.plusSeconds(5));

    assertThat(AnalysisQueries.custom("x{ns=\"{{namespace}}\"}", context)).isEqualTo("x{ns=\"ns$1\"}");
  }

  @Test
  void anUnknownPlaceholderIsRejectedByName() {
    assertThatThrownBy(() -> AnalysisQueries.custom("sum(x{pod=\"{{pod}}\"}[{{window}}])", CONTEXT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown placeholder {{pod}} in the custom query;"
            + " known: {{namespace}}, {{stable}}, {{canary}}, {{window}}");
  }

  @Test
  void anUnclosedPlaceholderIsRejected() {
    assertThatThrownBy(() -> AnalysisQueries.custom("sum(x[{{window])", CONTEXT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unclosed placeholder");
  }

  @Test
  void eachBuiltInCheckIsPlannedOverTheCanaryAndAComparisonOverBothWorkloads() {
    String canaryCount = AnalysisQueries.requestCount("shop", "checkout-canary", 120);
    String stableCount = AnalysisQueries.requestCount("shop", "checkout", 120);

    CheckQueries errorRate = AnalysisEvaluator.plan(
        new Check("errors", null, new Check.ErrorRate(0.01), null, null, null), CONTEXT);
    assertThat(errorRate.value()).isEqualTo(AnalysisQueries.errorRate("shop", "checkout-canary", 120));
    assertThat(errorRate.samples()).isEqualTo(canaryCount);
    assertThat(errorRate.all()).containsExactly(errorRate.value(), canaryCount);

    CheckQueries latency = AnalysisEvaluator.plan(
        new Check("p99", null, null, new Check.Latency(0.99, 250.0), null, null), CONTEXT);
    assertThat(latency.value()).isEqualTo(AnalysisQueries.latency("shop", "checkout-canary", 0.99, 120));
    assertThat(latency.recorded()).isEqualTo(latency.value());

    CheckQueries comparison = AnalysisEvaluator.plan(new Check("vs-stable", null, null, null,
        new Check.Comparison(Check.ComparisonMetric.LATENCY, 0.95, 0.2), null), CONTEXT);
    assertThat(comparison.value()).isEqualTo(AnalysisQueries.latency("shop", "checkout-canary", 0.95, 120));
    assertThat(comparison.stableValue()).isEqualTo(AnalysisQueries.latency("shop", "checkout", 0.95, 120));
    assertThat(comparison.all()).containsExactly(comparison.value(), comparison.stableValue(), canaryCount,
        stableCount);
    assertThat(comparison.recorded()).isEqualTo(comparison.value() + "\n" + comparison.stableValue());

    CheckQueries custom = AnalysisEvaluator.plan(new Check("queue", null, null, null, null,
        new Check.Custom("max(queue_depth{namespace=\"{{namespace}}\"})", null, 10.0)), CONTEXT);
    assertThat(custom.value()).isEqualTo("max(queue_depth{namespace=\"shop\"})");
    assertThat(custom.samples()).isEqualTo(canaryCount);
  }

  @Test
  void aMalformedCheckCannotBePlanned() {
    assertThatThrownBy(() -> AnalysisEvaluator.plan(new Check("none", null, null, null, null, null), CONTEXT))
        .hasMessage("check none: a check sets exactly one of errorRate, latency, comparison or custom");
    assertThatThrownBy(() -> AnalysisEvaluator.plan(
        new Check("p99", null, null, new Check.Latency(null, 250.0), null, null), CONTEXT))
        .hasMessage("check p99: latency.quantile is required");
    assertThatThrownBy(() -> AnalysisEvaluator.plan(new Check("queue", null, null, null, null,
        new Check.Custom("x[{{interval}}]", null, 1.0)), CONTEXT))
        .hasMessageStartingWith("check queue: unknown placeholder {{interval}}");
  }
}
