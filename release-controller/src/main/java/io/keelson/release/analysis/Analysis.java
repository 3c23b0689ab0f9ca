package io.keelson.release.analysis;

import io.keelson.release.api.Check;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a step's checks: plans each check's queries, sends every distinct query once to the
 * {@link MetricProvider} at the window's end, and decides each check's verdict. The provider is the only way
 * out, so a fake one makes this testable without a metrics server.
 */
public final class Analysis {

  private final MetricProvider provider;

  public Analysis(MetricProvider provider) {
    this.provider = Objects.requireNonNull(provider, "provider");
  }

  /**
   * One measurement per check, in the order of {@code checks}. A check that cannot be planned (malformed, or a
   * custom template with an unknown placeholder) is measured as ERROR with the reason; it does not stop the
   * other checks.
   */
  public List<Measurement> run(List<Check> checks, CheckContext context) {
    Map<String, QueryResult> answers = new HashMap<>();
    List<Measurement> measurements = new ArrayList<>(checks.size());
    for (Check check : checks) {
      CheckQueries queries;
      try {
        queries = AnalysisEvaluator.plan(check, context);
      } catch (IllegalArgumentException e) {
        measurements.add(AnalysisEvaluator.unplannable(check, context, e.getMessage()));
        continue;
      }
      for (String query : queries.all()) {
        answers.computeIfAbsent(query, promql -> ask(promql, context));
      }
      measurements.add(AnalysisEvaluator.decide(queries, answers));
    }
    return List.copyOf(measurements);
  }

  /**
   * The cumulative request and error counts of both workloads over {@code context}'s window, as the
   * {@link SequentialErrorTest} looks at them; empty when a query failed (a skipped look costs the test nothing:
   * the next look's increment covers both).
   */
  public Optional<ArmCounts> counts(CheckContext context) {
    long window = context.windowSeconds();
    long[] counts = new long[4];
    String[] queries = {
        AnalysisQueries.requestCount(context.namespace(), context.canary(), window),
        AnalysisQueries.errorCount(context.namespace(), context.canary(), window),
        AnalysisQueries.requestCount(context.namespace(), context.stable(), window),
        AnalysisQueries.errorCount(context.namespace(), context.stable(), window)};
    for (int i = 0; i < queries.length; i++) {
      QueryResult result = ask(queries[i], context);
      if (result instanceof QueryResult.Failed) {
        return Optional.empty();
      }
      counts[i] = AnalysisEvaluator.count(result);
    }
    return Optional.of(new ArmCounts(counts[0], counts[1], counts[2], counts[3]));
  }

  private QueryResult ask(String promql, CheckContext context) {
    try {
      QueryResult result = provider.query(promql, context.windowEnd());
      return result == null ? new QueryResult.Failed("the metric provider gave no answer") : result;
    } catch (RuntimeException e) {
      return new QueryResult.Failed("the metric provider failed: " + e);
    }
  }
}
