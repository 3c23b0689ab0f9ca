package io.keelson.release.analysis;

import io.keelson.release.api.Check;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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

  private QueryResult ask(String promql, CheckContext context) {
    try {
      QueryResult result = provider.query(promql, context.windowEnd());
      return result == null ? new QueryResult.Failed("the metric provider gave no answer") : result;
    } catch (RuntimeException e) {
      return new QueryResult.Failed("the metric provider failed: " + e);
    }
  }
}
