package io.keelson.release.traffic;

/**
 * Where a policy's traffic goes: the share of the default route sent to the canary, whether requests carrying
 * the policy's test header are sent to the canary whatever the weight, and the share of the default route's
 * requests copied to the canary (answers discarded).
 *
 * @param canaryWeight percent of the default route sent to the canary, 0 to 100; the rest goes to stable
 * @param testRoute whether the header-matched test route to the canary is in place
 * @param mirrorPercent percent of the default route's requests also copied to the canary, 0 to 100; the copy's
 *     answer is discarded, so no caller is served by the canary through it
 */
public record Routes(int canaryWeight, boolean testRoute, int mirrorPercent) {

  /** All traffic to stable, no test route, no mirror: before a release, after promotion, after a rollback. */
  public static final Routes STABLE = new Routes(0, false, 0);

  public Routes {
    if (canaryWeight < 0 || canaryWeight > 100) {
      throw new IllegalArgumentException("canaryWeight must be between 0 and 100, was " + canaryWeight);
    }
    if (mirrorPercent < 0 || mirrorPercent > 100) {
      throw new IllegalArgumentException("mirrorPercent must be between 0 and 100, was " + mirrorPercent);
    }
  }

  /** Routes without a mirror. */
  public Routes(int canaryWeight, boolean testRoute) {
    this(canaryWeight, testRoute, 0);
  }

  /** Whether no request, nor a copy of one, can reach the canary through these routes. */
  public boolean allStable() {
    return canaryWeight == 0 && !testRoute && mirrorPercent == 0;
  }

  @Override
  public String toString() {
    return canaryWeight + "% canary, test route " + (testRoute ? "on" : "off")
        + (mirrorPercent > 0 ? ", " + mirrorPercent + "% mirrored" : "");
  }

  /** Percent of the default route sent to stable. */
  public int stableWeight() {
    return 100 - canaryWeight;
  }
}
