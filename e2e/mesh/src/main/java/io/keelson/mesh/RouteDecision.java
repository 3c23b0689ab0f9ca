package io.keelson.mesh;

/**
 * Where the mesh sends one request, or why it cannot.
 *
 * @param virtualService {@code namespace/name} of the VirtualService that routed it, or {@link #NONE}
 * @param routeIndex index of the first matching HTTP route in that VirtualService; -1 when none
 * @param routeName that route's name; null when unnamed or none
 * @param destinationService FQDN of the destination Service; null when no route was found
 * @param subset the DestinationRule subset; null for all endpoints
 * @param endpoint the pod chosen to answer; null on failure
 * @param responseFlags Envoy's response flags: {@code -} when routed, {@code NR} (no route), {@code UH} (no
 *     healthy upstream), {@code NC} (no cluster: the subset is not defined)
 * @param mirror the copy of the request the matched route sends to its mirror; null when it sends none
 */
public record RouteDecision(String virtualService, int routeIndex, String routeName, String destinationService,
    String subset, Endpoint endpoint, String responseFlags, Mirror mirror) {

  /**
   * A copy of the request that Envoy sends to a route's mirror and whose answer it discards.
   *
   * @param destinationService FQDN of the mirror's Service
   * @param endpoint the pod chosen to answer the copy; null when the Service has no ready pod (the copy is lost)
   */
  public record Mirror(String destinationService, Endpoint endpoint) {}

  /** A decision without a mirror. */
  public RouteDecision(String virtualService, int routeIndex, String routeName, String destinationService,
      String subset, Endpoint endpoint, String responseFlags) {
    this(virtualService, routeIndex, routeName, destinationService, subset, endpoint, responseFlags, null);
  }

  /** This decision with {@code mirror} as the route's copy. */
  RouteDecision withMirror(Mirror copy) {
    return new RouteDecision(virtualService, routeIndex, routeName, destinationService, subset, endpoint,
        responseFlags, copy);
  }

  public static final String NONE = "none";
  public static final String ROUTED = "-";
  public static final String NO_ROUTE = "NR";
  public static final String NO_HEALTHY_UPSTREAM = "UH";
  public static final String NO_CLUSTER = "NC";

  static RouteDecision noRoute(String virtualService, int routeIndex, String routeName) {
    return new RouteDecision(virtualService, routeIndex, routeName, null, null, null, NO_ROUTE);
  }

  /** Whether a pod was chosen. */
  public boolean routed() {
    return endpoint != null;
  }

  /** The status the mesh itself answers when no pod was chosen: 404 for no route, else 503; 0 when routed. */
  public int failureStatus() {
    if (routed()) {
      return 0;
    }
    return NO_ROUTE.equals(responseFlags) ? 404 : 503;
  }

  @Override
  public String toString() {
    String where = NONE.equals(virtualService) ? "no VirtualService"
        : virtualService + " route " + routeIndex + (routeName == null ? "" : " (" + routeName + ")");
    String to = destinationService == null ? "" : " → " + destinationService
        + (subset == null ? "" : " subset " + subset);
    return where + to + (routed() ? " → pod " + endpoint.namespace() + "/" + endpoint.pod() + " of "
        + endpoint.workload() : " ✗ " + responseFlags)
        + (mirror == null ? "" : " (copy to " + mirror.destinationService() + ")");
  }
}
