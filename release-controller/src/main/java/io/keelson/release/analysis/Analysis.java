package io.keelson.release.analysis;

import io.keelson.release.api.Check;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a step's checks: plans each check's queries, sends every distinct query once to the
 * {@link MetricProvider} at the window's end, and decides each check's verdict; and asks the test route's
 * webhook gate through the {@link WebhookCaller}. The provider and the caller are the only ways out, so fakes
 * make this testable without a metrics server or a receiver.
 */
public final class Analysis {

  private final MetricProvider provider;
  private final WebhookCaller webhooks;

  public Analysis(MetricProvider provider, WebhookCaller webhooks) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.webhooks = Objects.requireNonNull(webhooks, "webhooks");
  }

  /** An analysis that reaches no webhook: a test-route webhook gate is measured ERROR, so it fails closed. */
  public Analysis(MetricProvider provider) {
    this(provider, (url, json) -> new WebhookAnswer.Unanswered("no webhook caller is configured"));
  }

  /** The test route's webhook gate, measured as the check {@code check} over the window. */
  public Measurement gate(TestRouteWebhook webhook, String check, Instant windowStart, Instant windowEnd) {
    WebhookAnswer answer;
    try {
      answer = webhooks.post(URI.create(webhook.url()), webhook.payload());
    } catch (IllegalArgumentException e) {
      // Never the parser's message: it quotes the URL, which may carry a token.
      answer = new WebhookAnswer.Unanswered("not a valid URL");
    } catch (RuntimeException e) {
      answer = new WebhookAnswer.Unanswered("the webhook caller failed: " + e);
    }
    return webhook.judge(check, answer == null ? new WebhookAnswer.Unanswered("no answer") : answer, windowStart,
        windowEnd);
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
   * The cumulative request and error counts of both workloads since {@code context}'s window start, as the
   * {@link SequentialErrorTest} looks at them; empty when a query failed (a skipped look costs the test nothing:
   * the next look's increment covers both). Read {@link AnalysisQueries#sinceStart since the start}, not over a
   * range, so the first scrape after the step's start already counts.
   */
  public Optional<ArmCounts> counts(CheckContext context) {
    AnalysisQueries.Growth growth = AnalysisQueries.sinceStart(context.windowStart());
    return counts(context,
        AnalysisQueries.requestCount(context.namespace(), context.canary(), growth),
        AnalysisQueries.errorCount(context.namespace(), context.canary(), growth),
        AnalysisQueries.requestCount(context.namespace(), context.stable(), growth),
        AnalysisQueries.errorCount(context.namespace(), context.stable(), growth));
  }

  /**
   * As {@link #counts}, with the requests slower than {@code boundMs} (a bucket bound of the duration histogram)
   * as the failures.
   */
  public Optional<ArmCounts> slowCounts(CheckContext context, double boundMs) {
    AnalysisQueries.Growth growth = AnalysisQueries.sinceStart(context.windowStart());
    return counts(context,
        AnalysisQueries.timedCount(context.namespace(), context.canary(), growth),
        AnalysisQueries.slowCount(context.namespace(), context.canary(), boundMs, growth),
        AnalysisQueries.timedCount(context.namespace(), context.stable(), growth),
        AnalysisQueries.slowCount(context.namespace(), context.stable(), boundMs, growth));
  }

  /** The answers to canary requests, canary failures, stable requests, stable failures, in that order. */
  private Optional<ArmCounts> counts(CheckContext context, String... queries) {
    long[] counts = new long[queries.length];
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
