package io.keelson.release.strategy;

import io.keelson.release.api.ActionRecord;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.deploy.ReleaseAwareRender.ReleaseState;
import java.util.Optional;

/**
 * Manual actions: each is carried out at most once (status keeps who asked and when) and recorded, accepted
 * or refused. A refused action, or a resume, lets the tick go on; the others decide the tick.
 */
final class Actions {

  private Actions() {}

  /** The tick's message if the pending action decided the tick; empty to go on with the phase's rules. */
  static Optional<String> handle(DecisionDraft tick) {
    Optional<ManualAction> requested = tick.observation.requested();
    if (requested.isEmpty() || handled(tick, requested.get())) {
      return Optional.empty();
    }
    ManualAction action = requested.get();
    return switch (action.kind()) {
      case PAUSE -> pause(tick, action);
      case RESUME -> resume(tick, action);
      case ABORT -> abort(tick, action);
      case PROMOTE -> promote(tick, action);
      case RETRY -> retry(tick, action);
    };
  }

  private static Optional<String> pause(DecisionDraft tick, ManualAction action) {
    if (!ReleaseStrategy.inProgress(tick.phase())) {
      return refuse(tick, action, "only a release in progress can be paused, not one " + tick.phase());
    }
    if (paused(tick)) {
      return refuse(tick, action, "already paused");
    }
    tick.next.setPaused(true);
    return accept(tick, action, tick.position() + ": paused by " + action.by());
  }

  private static Optional<String> resume(DecisionDraft tick, ManualAction action) {
    if (!paused(tick)) {
      return refuse(tick, action, "not paused");
    }
    tick.next.setPaused(null);
    // No analysis ran while paused: the hold budgets start again.
    tick.next.setInconclusiveSince(null);
    tick.next.setErrorSince(null);
    record(tick, action, true, "resumed by " + action.by());
    tick.note("resumed by " + action.by());
    return Optional.empty();
  }

  private static Optional<String> abort(DecisionDraft tick, ManualAction action) {
    if (!ReleaseStrategy.inProgress(tick.phase())) {
      return refuse(tick, action, "only a release in progress can be aborted, not one " + tick.phase());
    }
    record(tick, action, true, "aborted by " + action.by());
    tick.rollBack("aborted by " + action.by());
    return Optional.of(ReleaseStrategy.rolledBack(tick));
  }

  private static Optional<String> promote(DecisionDraft tick, ManualAction action) {
    if (tick.phase() != ReleasePhase.Testing && tick.phase() != ReleasePhase.Mirroring
        && tick.phase() != ReleasePhase.Progressing) {
      return refuse(tick, action, "only a release testing, mirroring or progressing can be promoted, not one "
          + tick.phase());
    }
    if (paused(tick)) {
      return refuse(tick, action, "paused: resume before promoting");
    }
    if (StepAnalysis.hasFailure(tick.next, tick.step(), tick.observation.measurements())) {
      return refuse(tick, action, "step " + tick.step() + " has a failed check");
    }
    tick.startPromotion("promoted by " + action.by());
    return accept(tick, action, tick.position() + ": promoted by " + action.by()
        + "; stable rolls out the candidate while the canary keeps " + tick.weight() + "%");
  }

  private static Optional<String> retry(DecisionDraft tick, ManualAction action) {
    if (tick.phase() != ReleasePhase.Failed || tick.release().state() != ReleaseState.HELD_BACK) {
      return refuse(tick, action, "only a failed candidate that Git still declares can be retried");
    }
    tick.startRelease();
    return accept(tick, action, "deploying " + tick.candidateHash() + " (attempt "
        + tick.next.getCandidate().attempt() + "): retried by " + action.by());
  }

  private static Optional<String> accept(DecisionDraft tick, ManualAction action, String message) {
    record(tick, action, true, message);
    return Optional.of(message);
  }

  private static Optional<String> refuse(DecisionDraft tick, ManualAction action, String why) {
    record(tick, action, false, why);
    tick.note(action.kind() + " by " + action.by() + " refused: " + why);
    return Optional.empty();
  }

  private static boolean paused(DecisionDraft tick) {
    return Boolean.TRUE.equals(tick.next.getPaused());
  }

  private static boolean handled(DecisionDraft tick, ManualAction action) {
    return tick.next.getActions() != null && tick.next.getActions().stream().anyMatch(done ->
        action.kind().name().equals(done.action()) && action.by().equals(done.by())
            && action.at().toString().equals(done.at()));
  }

  private static void record(DecisionDraft tick, ManualAction action, boolean accepted, String message) {
    tick.next.recordAction(new ActionRecord(action.kind().name(), action.by(), action.at().toString(), accepted,
        message));
  }
}
