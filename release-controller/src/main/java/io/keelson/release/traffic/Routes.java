package io.keelson.release.traffic;

/**
 * Where a policy's traffic goes: the share of the default route sent to the canary, and whether requests
 * carrying the policy's test header are sent to the canary whatever the weight.
 *
 * @param canaryWeight percent of the default route sent to the canary, 0 to 100; the rest goes to stable
 * @param testRoute whether the header-matched test route to the canary is in place
 */
public record Routes(int canaryWeight, boolean testRoute) {

  /** All traffic to stable and no test route: before a release, after promotion, after a rollback. */
  public static final Routes STABLE = new Routes(0, false);

  public Routes {
    if (canaryWeight < 0 || canaryWeight > 100) {
      throw new IllegalArgumentException("canaryWeight must be between 0 and 100, was " + canaryWeight);
    }
  }

  /** Whether no request can reach the canary through these routes. */
  public boolean allStable() {
    return canaryWeight == 0 && !testRoute;
  }

  @Override
  public String toString() {
    return canaryWeight + "% canary, test route " + (testRoute ? "on" : "off");
  }

  /** Percent of the default route sent to stable. */
  public int stableWeight() {
    return 100 - canaryWeight;
  }
}
