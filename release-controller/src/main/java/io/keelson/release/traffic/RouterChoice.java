package io.keelson.release.traffic;

import io.keelson.release.api.RouterKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link TrafficRouter} each policy asks for ({@code spec.router}), or the configured default. When a policy
 * changes router, the new router's objects are written first and the old router's are then deleted, so traffic
 * is routed by one of them at every moment; the old ones are looked for on every reconcile (one read per router
 * not chosen), which also cleans up after a change made while the controller was down.
 */
public final class RouterChoice implements TrafficRouter {

  private final Map<RouterKind, TrafficRouter> routers;
  private final RouterKind defaultRouter;

  /**
   * @param routers one router per kind; a policy asking for a kind not given here is an error
   * @param defaultRouter the kind of a policy that names none; must be among {@code routers}
   */
  public RouterChoice(Map<RouterKind, TrafficRouter> routers, RouterKind defaultRouter) {
    this.routers = new EnumMap<>(routers);
    this.defaultRouter = Objects.requireNonNull(defaultRouter, "defaultRouter");
    if (!this.routers.containsKey(defaultRouter)) {
      throw new IllegalArgumentException("no router for the default " + defaultRouter);
    }
  }

  @Override
  public void reconcile(PolicyRef policy, Routes routes) {
    RouterKind chosen = policy.routerOr(defaultRouter);
    chosen(policy).reconcile(policy, routes);
    routers.forEach((kind, router) -> {
      if (kind != chosen && router.current(policy).isPresent()) {
        router.finalize(policy);
      }
    });
  }

  @Override
  public Optional<Routes> current(PolicyRef policy) {
    return chosen(policy).current(policy);
  }

  @Override
  public void finalize(PolicyRef policy) {
    routers.values().forEach(router -> router.finalize(policy));
  }

  @Override
  public Optional<RouterKind> kind(PolicyRef policy) {
    return Optional.of(policy.routerOr(defaultRouter));
  }

  private TrafficRouter chosen(PolicyRef policy) {
    RouterKind kind = policy.routerOr(defaultRouter);
    TrafficRouter router = routers.get(kind);
    if (router == null) {
      throw new IllegalStateException("ReleasePolicy " + policy.namespace() + "/" + policy.name() + " asks for router "
          + kind + ", which this release controller does not run");
    }
    return router;
  }
}
