package io.keelson.release.strategy;

import java.time.Instant;
import java.util.Objects;

/**
 * A manual action someone asked for. The same kind, requester and time seen again is the same request:
 * it is carried out once (status keeps the record), so a caller may present it on every tick until
 * status shows it handled.
 *
 * @param kind what is asked
 * @param by who asked
 * @param at when they asked
 */
public record ManualAction(Kind kind, String by, Instant at) {

  public ManualAction {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(by, "by");
    Objects.requireNonNull(at, "at");
  }

  /** The manual actions of DESIGN §3. */
  public enum Kind {
    /** Skip the remaining steps (or the manual gate) and promote; only while testing, mirroring or progressing. */
    PROMOTE,
    /** Roll back now. */
    ABORT,
    /** Hold the release where it is. */
    PAUSE,
    /** Continue a paused release. */
    RESUME,
    /** Release a failed candidate again, as a new attempt. */
    RETRY
  }
}
