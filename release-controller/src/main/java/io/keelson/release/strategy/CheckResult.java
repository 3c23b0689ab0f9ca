package io.keelson.release.strategy;

import io.keelson.release.api.Verdict;
import java.util.Objects;

/**
 * One check's verdict over the current step's window.
 *
 * @param check the check's name, as in the policy ({@link ReleaseStrategy#WEBHOOK_CHECK} for the test
 *     route's webhook gate)
 * @param verdict the outcome
 * @param query the query as sent, if any; kept as evidence
 * @param value the measured value, if one was read
 * @param samples how many requests the window held, if known
 * @param message why, in a sentence (e.g. "3 requests < minRequests 20")
 */
public record CheckResult(String check, Verdict verdict, String query, Double value, Long samples, String message) {

  public CheckResult {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(verdict, "verdict");
  }

  public CheckResult(String check, Verdict verdict, String message) {
    this(check, verdict, null, null, null, message);
  }
}
