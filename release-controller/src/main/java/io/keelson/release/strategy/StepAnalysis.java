package io.keelson.release.strategy;

import io.keelson.release.api.Evidence;
import io.keelson.release.api.FailureCounting;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Judges one analysis of the current step: records the evidence, counts failures per check, runs the
 * inconclusive and error budgets, and says whether the step passed, holds, or breached. Only a PASS of
 * every required check passes a step; a missing verdict counts as INCONCLUSIVE (no data is not health).
 */
final class StepAnalysis {

  /** What one analysis means for the step. */
  enum Kind { PASSED, HOLD, BREACH }

  /**
   * @param kind the outcome
   * @param text for HOLD, what the step waits for; for BREACH, the rollback reason
   */
  record Outcome(Kind kind, String text) {}

  private StepAnalysis() {}

  /** When step analysis is due next for {@code status}, or empty when the release is not analysing. */
  static Optional<AnalysisRequest> request(PolicyRules rules, ReleasePolicyStatus status) {
    boolean analysing = status.getPhase() == ReleasePhase.Testing || status.getPhase() == ReleasePhase.Mirroring
        || status.getPhase() == ReleasePhase.Progressing;
    if (!analysing || Boolean.TRUE.equals(status.getPaused()) || status.getStepStartedAt() == null) {
      return Optional.empty();
    }
    int step = status.getStep() == null ? 0 : status.getStep();
    Instant started = Instant.parse(status.getStepStartedAt());
    Instant dueAt = status.getAnalyzedAt() == null ? started.plus(rules.window(status.getPhase(), step))
        : Instant.parse(status.getAnalyzedAt()).plus(rules.interval());
    return Optional.of(new AnalysisRequest(step, rules.requiredChecks(status.getPhase(), step), started, dueAt));
  }

  static Outcome evaluate(DecisionDraft tick, List<CheckResult> measurements) {
    ReleasePolicyStatus next = tick.next;
    int step = tick.step();
    Map<String, CheckResult> results = new LinkedHashMap<>();
    measurements.forEach(result -> results.put(result.check(), result));
    recordEvidence(tick, step, results.values());
    Map<String, Integer> counts = countFailures(tick, results.values());
    next.setAnalyzedAt(tick.now.toString());

    int threshold = tick.rules.failureThreshold();
    List<String> breaches = results.values().stream()
        .filter(result -> result.verdict() == Verdict.FAIL && counts.getOrDefault(result.check(), 0) >= threshold)
        .map(result -> "check " + result.check() + " failed " + counts.get(result.check()) + " time(s), threshold "
            + threshold + ": " + result.message())
        .toList();
    if (!breaches.isEmpty()) {
      return new Outcome(Kind.BREACH, String.join("; ", breaches));
    }
    List<String> required = tick.rules.requiredChecks(tick.phase(), step);
    if (required.stream().allMatch(check -> verdict(results, check) == Verdict.PASS)) {
      return new Outcome(Kind.PASSED, "all " + required.size() + " check(s) passed");
    }
    List<String> holds = new ArrayList<>();
    results.values().stream().filter(result -> result.verdict() == Verdict.FAIL).forEach(result -> holds.add(
        "check " + result.check() + " failed (" + counts.get(result.check()) + " of threshold " + threshold + "): "
            + result.message()));
    Optional<Outcome> errors = budget(tick, results, required, Verdict.ERROR, holds);
    Optional<Outcome> inconclusive = budget(tick, results, required, Verdict.INCONCLUSIVE, holds);
    return errors.or(() -> inconclusive).orElseGet(() -> new Outcome(Kind.HOLD, "holding: " + String.join("; ", holds)));
  }

  /** Whether {@code step} has a FAIL on record or in {@code measurements}. */
  static boolean hasFailure(ReleasePolicyStatus status, int step, List<CheckResult> measurements) {
    boolean recorded = status.getEvidence() != null && status.getEvidence().stream()
        .anyMatch(evidence -> evidence.step() != null && evidence.step() == step && evidence.verdict() == Verdict.FAIL);
    return recorded || measurements.stream().anyMatch(result -> result.verdict() == Verdict.FAIL);
  }

  private static Verdict verdict(Map<String, CheckResult> results, String check) {
    CheckResult result = results.get(check);
    return result == null ? Verdict.INCONCLUSIVE : result.verdict();
  }

  /** Starts or runs the budget of {@code kind} verdicts; empty when no required check has that verdict. */
  private static Optional<Outcome> budget(DecisionDraft tick, Map<String, CheckResult> results, List<String> required,
      Verdict kind, List<String> holds) {
    List<String> checks = required.stream().filter(check -> verdict(results, check) == kind).toList();
    List<String> affected = checks.stream()
        .map(check -> results.containsKey(check) ? check + ": " + results.get(check).message() : check + ": no verdict")
        .toList();
    boolean error = kind == Verdict.ERROR;
    if (affected.isEmpty()) {
      return Optional.empty();
    }
    String since = error ? tick.next.getErrorSince() : tick.next.getInconclusiveSince();
    if (since == null) {
      since = tick.now.toString();
      if (error) {
        tick.next.setErrorSince(since);
      } else {
        tick.next.setInconclusiveSince(since);
      }
    }
    Duration budget = error ? tick.rules.errorBudget() : tick.rules.inconclusiveBudget();
    Duration elapsed = tick.since(since);
    String what = String.join("; ", affected);
    if (elapsed.compareTo(budget) > 0) {
      String label = !error ? "inconclusive"
          : checks.equals(List.of(ReleaseStrategy.WEBHOOK_CHECK)) ? "test-route webhook unreachable"
          : "Prometheus unreachable";
      return Optional.of(new Outcome(Kind.BREACH, label + " for longer than " + Text.duration(budget) + ": " + what));
    }
    List<String> all = new ArrayList<>(holds);
    all.add(what + " (" + (error ? "error" : "inconclusive") + " for " + Text.duration(elapsed) + " of "
        + Text.duration(budget) + ")");
    return Optional.of(new Outcome(Kind.HOLD, "holding: " + String.join("; ", all)));
  }

  private static void recordEvidence(DecisionDraft tick, int step, Iterable<CheckResult> results) {
    List<Evidence> evidence = new ArrayList<>(tick.next.getEvidence() == null ? List.of() : tick.next.getEvidence());
    String windowStart = tick.stepStartedAt().toString();
    for (CheckResult result : results) {
      // One entry per step window and check: the latest analysis of it. The test route and the mirror are both
      // step 0 (no weight yet); their windows start apart.
      evidence.removeIf(old -> old.step() != null && old.step() == step && result.check().equals(old.check())
          && windowStart.equals(old.windowStart()));
      evidence.add(new Evidence(step, result.check(), result.query(), windowStart, tick.now.toString(),
          result.value(), result.samples(), result.verdict(), result.message()));
    }
    tick.next.setEvidence(evidence);
  }

  private static Map<String, Integer> countFailures(DecisionDraft tick, Iterable<CheckResult> results) {
    Map<String, Integer> counts = new TreeMap<>(
        tick.next.getFailuresByCheck() == null ? Map.of() : tick.next.getFailuresByCheck());
    boolean consecutive = tick.rules.failureCounting() == FailureCounting.CONSECUTIVE;
    for (CheckResult result : results) {
      if (result.verdict() == Verdict.FAIL) {
        counts.merge(result.check(), 1, Integer::sum);
      } else if (result.verdict() == Verdict.PASS && consecutive) {
        counts.remove(result.check());
      }
    }
    tick.next.setFailuresByCheck(counts.isEmpty() ? null : counts);
    tick.next.setFailures(counts.values().stream().mapToInt(Integer::intValue).max().orElse(0));
    return counts;
  }
}
