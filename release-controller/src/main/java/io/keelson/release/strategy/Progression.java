package io.keelson.release.strategy;

import io.keelson.release.api.ReleasePhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Testing and Progressing: wait for the step's analysis, judge it, and step the weight up or promote. */
final class Progression {

  private Progression() {}

  static String analyse(DecisionDraft tick) {
    Optional<AnalysisRequest> request = StepAnalysis.request(tick.rules, tick.next);
    if (request.isEmpty()) {
      // A step without a start time cannot be analysed: start its window now.
      tick.restartStep();
      return tick.position() + ": step restarted; first analysis in "
          + Text.duration(tick.rules.window(tick.phase(), tick.step()));
    }
    Optional<String> rejected = SequentialStop.judge(tick);
    if (rejected.isPresent()) {
      tick.rollBack(rejected.get());
      return ReleaseStrategy.rolledBack(tick);
    }
    if (!request.get().dueBy(tick.now)) {
      return waiting(tick, request.get());
    }
    List<CheckResult> measurements = tick.observation.measurements();
    if (measurements.isEmpty()) {
      return tick.position() + ": analysis due";
    }
    StepAnalysis.Outcome outcome = StepAnalysis.evaluate(tick, measurements);
    return switch (outcome.kind()) {
      case BREACH -> {
        tick.rollBack(outcome.text());
        yield ReleaseStrategy.rolledBack(tick);
      }
      case PASSED -> tick.phase() == ReleasePhase.Testing ? afterTest(tick, outcome.text())
          : advance(tick, outcome.text());
      case HOLD -> tick.position() + ": " + outcome.text();
    };
  }

  /**
   * The test route passed (or, from Deploying without a test route, the canary is ready): mirror production
   * traffic to the canary when the policy asks for it, else go on to the first weight.
   */
  static String afterTest(DecisionDraft tick, String why) {
    if (!tick.rules.hasMirror()) {
      return advance(tick, why);
    }
    tick.startMirror();
    return tick.position() + ": " + why + "; first analysis in "
        + Text.duration(tick.rules.window(ReleasePhase.Mirroring, 0));
  }

  /** The current step passed (or, from Deploying without a test route or mirror, the canary is ready): go on. */
  static String advance(DecisionDraft tick, String why) {
    List<Integer> weights = tick.rules.weights();
    int step = tick.step();
    if (step < weights.size()) {
      tick.startStep(step + 1, weights.get(step));
      return tick.position() + ": " + why + "; next analysis in " + Text.duration(tick.rules.interval());
    }
    if (tick.rules.manualGate()) {
      tick.next.setAwaitingPromotion(true);
      return gate(tick);
    }
    tick.startPromotion("all " + weights.size() + " steps passed");
    return tick.position() + ": all " + weights.size() + " steps passed; stable rolls out the candidate while the"
        + " canary keeps " + tick.weight() + "%";
  }

  private static String waiting(DecisionDraft tick, AnalysisRequest request) {
    if (Boolean.TRUE.equals(tick.next.getAwaitingPromotion())) {
      return gate(tick);
    }
    String wait = "waiting " + Text.duration(Duration.between(tick.now, request.dueAt())) + " for the next analysis";
    List<String> holding = new ArrayList<>();
    hold(tick, tick.next.getInconclusiveSince(), "inconclusive", tick.rules.inconclusiveBudget(), holding);
    hold(tick, tick.next.getErrorSince(), "error", tick.rules.errorBudget(), holding);
    return tick.position() + ": " + (holding.isEmpty() ? wait : "holding (" + String.join(", ", holding) + "); " + wait)
        + SequentialStop.summary(tick);
  }

  private static void hold(DecisionDraft tick, String since, String what, Duration budget, List<String> out) {
    if (since != null) {
      out.add(what + " for " + Text.duration(tick.since(since)) + " of " + Text.duration(budget));
    }
  }

  private static String gate(DecisionDraft tick) {
    return tick.position() + ": passed; waiting for a promote action (manualGate)";
  }
}
