package io.keelson.agent.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The dry-run gate's last refusal of a source's revision, so a resync of the same revision does not redo the
 * gate: against a slow admission webhook (the client retries a 5xx for about 20 s) every attempt would cost as
 * much again, to learn the same answer. The verdict holds for the same revision rendered to the same objects
 * while discovery says the same about the API's kinds, and for a bounded time, after which the world (a
 * namespace created, a quota raised, a webhook fixed) is asked again. A new commit, a release step that changes
 * the render or a new CRD is checked at once.
 */
final class RefusedRevisions {

  /** The longest a refusal is trusted without asking the API server again. */
  static final Duration MAX_TRUST = Duration.ofMinutes(5);

  /** What the gate refused: which revision, rendered to which objects (their fingerprint), when, and why. */
  record Refusal(String revision, String renderHash, long discoveryGeneration, List<ObjectError> errors,
      Instant at, Instant recheckAt) {}

  private final Clock clock;
  private final Duration trust;
  private Refusal last;

  RefusedRevisions(Clock clock, Duration fullCheckInterval) {
    this.clock = clock;
    this.trust = fullCheckInterval.compareTo(MAX_TRUST) < 0 ? fullCheckInterval : MAX_TRUST;
  }

  /** The refusal that still stands for this revision and render, if any; the fingerprint is taken only then. */
  synchronized Optional<Refusal> standing(String revision, Supplier<String> renderHash, long discoveryGeneration) {
    if (last == null || !last.revision().equals(revision) || last.discoveryGeneration() != discoveryGeneration
        || !clock.instant().isBefore(last.recheckAt()) || !last.renderHash().equals(renderHash.get())) {
      return Optional.empty();
    }
    return Optional.of(last);
  }

  synchronized void refused(String revision, String renderHash, long discoveryGeneration, List<ObjectError> errors) {
    Instant now = clock.instant();
    last = new Refusal(revision, renderHash, discoveryGeneration, List.copyOf(errors), now, now.plus(trust));
  }

  /** The gate passed (or the revision never reached it): nothing refused stands. */
  synchronized void clear() {
    last = null;
  }
}
