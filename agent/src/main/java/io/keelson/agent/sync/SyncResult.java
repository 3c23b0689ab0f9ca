package io.keelson.agent.sync;

import io.keelson.agent.health.Health;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.plan.ChangeSet;
import io.keelson.release.deploy.ReleaseAwareRender;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one sync of one source did, as a value: the status endpoint, logs, Events and metrics are all
 * rendered from it.
 *
 * @param outcome APPLIED (every object applied), REJECTED (render or the dry-run gate failed: nothing
 *     written, nothing pruned, the last good revision stays) or FAILED (a write was refused, even after its
 *     dry run passed: written in part, nothing pruned, the inventory keeps every object it held)
 * @param notConverged one line saying why the cluster does not match the revision, empty when it does
 * @param releases where each governed Deployment stands in this render, for the release controller
 */
public record SyncResult(String source, String revision, Outcome outcome, ChangeSet changes,
    List<RenderError> renderErrors, List<ObjectError> objectErrors, Optional<String> pruneRefusal,
    List<Health> health, String notConverged, Instant finishedAt, Duration duration,
    List<ReleaseAwareRender.Release> releases) {

  public enum Outcome { APPLIED, REJECTED, FAILED }

  public SyncResult {
    renderErrors = List.copyOf(renderErrors);
    objectErrors = List.copyOf(objectErrors);
    health = List.copyOf(health);
    releases = List.copyOf(releases);
  }

  public boolean converged() {
    return notConverged.isEmpty();
  }

  /**
   * One line for logs, Events and status: the ChangeSet's counts, or for a sync that got no further than the
   * gate, that nothing was written and why (never a bare "no objects").
   */
  public String summary() {
    if (changes.changes().isEmpty() && outcome != Outcome.APPLIED) {
      return "nothing written: " + notConverged;
    }
    return changes.summary();
  }
}
