package io.keelson.release.strategy;

/**
 * The routing of a policy's host, as far as a release is concerned.
 *
 * @param canaryWeight the canary's share of weighted traffic, in percent; stable gets the rest
 * @param testRoute whether requests carrying the policy's test header are routed to the canary
 */
public record RouteState(int canaryWeight, boolean testRoute) {

  /** All traffic to stable, no test route. */
  public static final RouteState STABLE = new RouteState(0, false);

  public RouteState {
    if (canaryWeight < 0 || canaryWeight > 100) {
      throw new IllegalArgumentException("canaryWeight must be between 0 and 100, not " + canaryWeight);
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
}
