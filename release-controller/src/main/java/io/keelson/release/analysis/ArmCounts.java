package io.keelson.release.analysis;

/**
 * Cumulative request and error (5xx) counts of the canary and of stable since the step's weight took effect,
 * as read at one instant. The sequential test reads a series of these, one per look.
 *
 * @param canaryRequests requests the canary served
 * @param canaryErrors of those, the errors
 * @param stableRequests requests stable served
 * @param stableErrors of those, the errors
 */
public record ArmCounts(long canaryRequests, long canaryErrors, long stableRequests, long stableErrors) {

  /** No traffic yet: the counts at the step's start. */
  public static final ArmCounts ZERO = new ArmCounts(0, 0, 0, 0);

  public ArmCounts {
    if (canaryRequests < 0 || canaryErrors < 0 || stableRequests < 0 || stableErrors < 0) {
      throw new IllegalArgumentException("counts must not be negative: " + describe(canaryRequests, canaryErrors,
          stableRequests, stableErrors));
    }
  }

  /** "canary 3/120 errors, stable 1/1080 errors". */
  @Override
  public String toString() {
    return describe(canaryRequests, canaryErrors, stableRequests, stableErrors);
  }

  private static String describe(long canaryRequests, long canaryErrors, long stableRequests, long stableErrors) {
    return "canary " + canaryErrors + "/" + canaryRequests + " errors, stable " + stableErrors + "/"
        + stableRequests + " errors";
  }
}
