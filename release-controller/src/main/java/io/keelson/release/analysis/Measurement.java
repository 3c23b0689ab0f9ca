package io.keelson.release.analysis;

import io.keelson.release.api.Evidence;
import io.keelson.release.api.Verdict;
import java.time.Instant;
import java.util.Objects;

/**
 * What one check measured over one window, and its verdict.
 *
 * @param check the check's name
 * @param query the PromQL sent for the value, one query per line (a comparison: canary, then stable)
 * @param windowStart when the step's weight took effect
 * @param windowEnd the instant the queries were evaluated at
 * @param value the measured value (for a comparison, the canary's degradation against stable); null when
 *     none could be read; may be infinite
 * @param samples the requests the window held (for a comparison, the smaller of canary and stable); null
 *     when they could not be read
 * @param verdict the outcome
 * @param message why, in a sentence
 */
public record Measurement(String check, String query, Instant windowStart, Instant windowEnd, Double value,
    Long samples, Verdict verdict, String message) {

  public Measurement {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(windowStart, "windowStart");
    Objects.requireNonNull(windowEnd, "windowEnd");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(message, "message");
  }

  /**
   * This measurement as the policy status keeps it. Instants become RFC 3339 (UTC); an infinite value is
   * left out, since JSON has no infinity, and the message still states it.
   *
   * @param step the step index (0 = test route or mirror, 1.. = weighted steps)
   */
  public Evidence toEvidence(int step) {
    Double finite = value != null && Double.isFinite(value) ? value : null;
    return new Evidence(step, check, query, windowStart.toString(), windowEnd.toString(), finite, samples,
        verdict, message);
  }
}
