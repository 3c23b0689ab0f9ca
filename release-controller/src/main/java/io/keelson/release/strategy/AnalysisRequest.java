package io.keelson.release.strategy;

import java.time.Instant;
import java.util.List;

/**
 * The analysis the current step needs next.
 *
 * @param step the step analysed (0 = test route or mirror, by the phase; 1.. = weighted steps)
 * @param checks the names of the checks to run ({@link ReleaseStrategy#WEBHOOK_CHECK} for the test route's
 *     webhook gate)
 * @param windowStart the start of the metric window: when the step's routing took effect
 * @param dueAt when to run it; its result is passed to the next decision as the observation's measurements
 */
public record AnalysisRequest(int step, List<String> checks, Instant windowStart, Instant dueAt) {

  public AnalysisRequest {
    checks = List.copyOf(checks);
  }

  /** Whether the analysis should run at {@code now}. */
  public boolean dueBy(Instant now) {
    return !now.isBefore(dueAt);
  }
}
