package io.keelson.agent.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides, without asking the API server, whether an object is exactly as Keelson last left it: the same
 * desired content as its last successful apply or check, and a live resourceVersion (as the drift watcher's
 * cache sees it) that nobody has moved since. Only then may a sync skip the object's read and dry run; every
 * other case takes the full path, which decides from the server's own answer whether a write is needed.
 */
public final class UnchangedObjects {

  /** Why an object is, or is not, taken as unchanged; everything but {@link #UNCHANGED} means a full check. */
  public enum Verdict {
    UNCHANGED,
    /** Never applied or checked by this agent since it started. */
    NOTHING_REMEMBERED,
    /** Git (or the release-aware render) changed what is desired. */
    DESIRED_CHANGED,
    /** The cache cannot tell: the kind is not watched, not yet synced, or the object is not in it. */
    NOT_CACHED,
    /** Someone wrote the object since: an edit, a scale, a controller writing status. */
    LIVE_CHANGED,
    /** Trusted long enough: look again, so that what changes on the server's side alone (admission, defaults) is seen. */
    CHECK_DUE
  }

  /** What the last apply or full check established: this desired content left the object at this version. */
  public record Remembered(String desiredHash, String resourceVersion, Instant checkedAt) {}

  private UnchangedObjects() {}

  /**
   * @param cachedResourceVersion the live object's resourceVersion in a synced, watching cache; empty when
   *     the cache cannot vouch for it
   * @param maxAge how long a full check is trusted
   */
  public static Verdict judge(Optional<Remembered> remembered, String desiredHash,
      Optional<String> cachedResourceVersion, Instant now, Duration maxAge) {
    if (remembered.isEmpty()) {
      return Verdict.NOTHING_REMEMBERED;
    }
    Remembered last = remembered.get();
    if (!last.desiredHash().equals(desiredHash)) {
      return Verdict.DESIRED_CHANGED;
    }
    if (cachedResourceVersion.isEmpty()) {
      return Verdict.NOT_CACHED;
    }
    if (!cachedResourceVersion.get().equals(last.resourceVersion())) {
      return Verdict.LIVE_CHANGED;
    }
    if (Duration.between(last.checkedAt(), now).compareTo(maxAge) >= 0) {
      return Verdict.CHECK_DUE;
    }
    return Verdict.UNCHANGED;
  }
}
