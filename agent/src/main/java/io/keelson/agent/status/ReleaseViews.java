package io.keelson.agent.status;

import io.keelson.agent.api.StatusView.ActionView;
import io.keelson.agent.api.StatusView.ReleaseView;
import io.keelson.agent.api.StatusView.VerdictView;
import io.keelson.release.api.ActionRecord;
import io.keelson.release.api.Evidence;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.controller.ReleaseReconciler;
import java.util.Comparator;
import java.util.List;

/** The release part of the status: phase, weight, step, the identities and the current step's verdicts. */
public final class ReleaseViews {

  private ReleaseViews() {}

  public static List<ReleaseView> of(List<ReleaseReconciler.Tick> ticks) {
    return ticks.stream().map(ReleaseViews::view).toList();
  }

  private static ReleaseView view(ReleaseReconciler.Tick tick) {
    ReleasePolicyStatus status = tick.status();
    return new ReleaseView(tick.policy().namespace(), tick.policy().name(),
        status.getPhase() == null ? "Idle" : status.getPhase().name(), status.getCanaryWeight(), status.getStep(),
        status.getCandidate() == null ? null : status.getCandidate().templateHash(),
        status.getStable() == null ? null : status.getStable().templateHash(), tick.message(), verdicts(status),
        actions(status), tick.router() == null ? null : tick.router().value(), tick.failure().orElse(null));
  }

  /** Manual actions, newest first. */
  private static List<ActionView> actions(ReleasePolicyStatus status) {
    List<ActionView> views = new java.util.ArrayList<>();
    for (ActionRecord a : status.getActions() == null ? List.<ActionRecord>of() : status.getActions()) {
      views.add(0, new ActionView(a.action(), a.by(), a.at(), a.accepted(), a.message()));
    }
    return List.copyOf(views);
  }

  /** The evidence of the latest step analysed, one verdict per check. */
  private static List<VerdictView> verdicts(ReleasePolicyStatus status) {
    List<Evidence> evidence = status.getEvidence() == null ? List.of() : status.getEvidence();
    int latest = evidence.stream().map(Evidence::step).filter(s -> s != null).max(Comparator.naturalOrder()).orElse(-1);
    return evidence.stream().filter(e -> e.step() != null && e.step() == latest)
        .map(e -> new VerdictView(e.check(), e.verdict() == null ? null : e.verdict().name(), e.value(), e.samples(),
            e.windowStart() + " – " + e.windowEnd()))
        .toList();
  }
}
