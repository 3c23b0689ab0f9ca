package io.keelson.agent.schedule;

import io.keelson.agent.metrics.AgentMetrics;
import io.keelson.agent.model.Ownership;
import io.keelson.release.controller.ReleaseController;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the agent does after each release tick: a decision that changes what render emits (a promotion, a
 * rollback, a new candidate) syncs the policy's source now, so it reaches the cluster in the same tick
 * rather than at the next poll; a tick that could not finish is counted.
 */
public final class ReleaseFollowUp {

  private final SyncScheduler scheduler;
  private final AgentMetrics metrics;

  public ReleaseFollowUp(SyncScheduler scheduler, AgentMetrics metrics) {
    this.scheduler = scheduler;
    this.metrics = metrics;
  }

  public void after(List<ReleaseController.Ticked> ticks) {
    for (ReleaseController.Ticked ticked : ticks) {
      if (ticked.tick().renderChanged()) {
        source(ticked.policy().getMetadata().getLabels()).ifPresent(scheduler::syncNow);
      }
      ticked.tick().failure().ifPresent(failure ->
          metrics.releaseTickFailed(ticked.tick().policy().namespace(), ticked.tick().policy().name()));
    }
  }

  /** The source that applied the policy, from the label it put on it. */
  private static Optional<String> source(Map<String, String> labels) {
    return Optional.ofNullable(labels).map(l -> l.get(Ownership.SOURCE_LABEL));
  }
}
