package io.keelson.release.strategy;

import io.keelson.release.traffic.Routes;
import io.keelson.release.api.ReleasePolicyStatus;
import java.util.Optional;

/**
 * The whole outcome of one tick. The reconciler applies {@link #routes} first, then patches
 * {@link #status} once (if it differs from what it read), then emits {@link #event}. Routes before
 * status: a status that says "Succeeded" lets render remove the canary, so traffic must have left it.
 *
 * @param status the policy status after the tick; a new object, the input is never changed
 * @param routes the routing the policy's host must have now
 * @param analysis the analysis the release needs next, with when it is due; empty when none
 * @param message one line for the status endpoint: where the release stands and what it waits for
 * @param event a phase change or new step, for Events and notification webhooks
 */
public record Decision(ReleasePolicyStatus status, Routes routes, Optional<AnalysisRequest> analysis,
    String message, Optional<ReleaseEvent> event) {}
