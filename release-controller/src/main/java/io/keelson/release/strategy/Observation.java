package io.keelson.release.strategy;

import io.keelson.release.api.SequentialEvidence;
import io.keelson.release.traffic.Routes;
import io.keelson.release.deploy.ReleaseAwareRender;
import java.util.List;
import java.util.Optional;

/**
 * What the release controller saw on one tick, as inputs to {@link ReleaseStrategy#decide}.
 *
 * @param release what render emitted for the governed Deployment; null if Git does not declare it
 * @param gitRevision the Git revision that declared the current template
 * @param canaryReady the canary Deployment rolled out the candidate and its pods are ready
 * @param stableReady the stable Deployment's pods are ready
 * @param stableRunsCandidate the stable Deployment rolled out the candidate template (looked at while promoting)
 * @param routes what the live VirtualService routes; null if it is missing
 * @param measurements verdicts of the current step's window; empty when no analysis was due or run
 * @param requested a pending manual action
 * @param sequential where the current step's sequential tests stand after this tick's looks; empty when the
 *     policy has none or no look was taken yet
 */
public record Observation(ReleaseAwareRender.Release release, String gitRevision, boolean canaryReady,
    boolean stableReady, boolean stableRunsCandidate, Routes routes, List<CheckResult> measurements,
    Optional<ManualAction> requested, List<SequentialEvidence> sequential) {

  public Observation {
    measurements = measurements == null ? List.of() : List.copyOf(measurements);
    requested = requested == null ? Optional.empty() : requested;
    sequential = sequential == null ? List.of() : List.copyOf(sequential);
  }

  /** An observation without sequential tests. */
  public Observation(ReleaseAwareRender.Release release, String gitRevision, boolean canaryReady,
      boolean stableReady, boolean stableRunsCandidate, Routes routes, List<CheckResult> measurements,
      Optional<ManualAction> requested) {
    this(release, gitRevision, canaryReady, stableReady, stableRunsCandidate, routes, measurements, requested,
        List.of());
  }
}
