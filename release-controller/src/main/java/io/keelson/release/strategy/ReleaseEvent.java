package io.keelson.release.strategy;

import io.keelson.release.api.ReleaseIdentity;
import io.keelson.release.api.ReleasePhase;

/**
 * Something worth an Event and a notification: a phase change, or a new weighted step
 * ({@code from == to == Progressing}).
 *
 * @param release the release concerned
 * @param from the phase before the tick (null when the policy had none)
 * @param to the phase after it
 * @param step the step after it
 * @param reason what happened, in a sentence
 */
public record ReleaseEvent(ReleaseIdentity release, ReleasePhase from, ReleasePhase to, Integer step,
    String reason) {}
