package io.keelson.release.gatewayapi;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.keelson.release.api.RouterKind;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.Reconciled;
import io.keelson.release.traffic.RouteDesign;
import io.keelson.release.traffic.Routes;
import io.keelson.release.traffic.TrafficRouter;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link TrafficRouter} for the Kubernetes Gateway API: the HTTPRoute of {@link HttpRouteDesign}, in the
 * policy's namespace. As {@link io.keelson.release.istio.IstioRouter} does, it fetches the route, compares it
 * with its desired state by {@link RouteDesign#plan}, and writes it with server-side apply (field manager
 * {@link RouteDesign#MANAGER}, conflicts forced) only when a field it sets differs.
 */
public final class GatewayApiRouter implements TrafficRouter {

  private final KubernetesClient client;

  public GatewayApiRouter(KubernetesClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public void reconcile(PolicyRef policy, Routes routes) {
    HTTPRoute desired = HttpRouteDesign.httpRoute(policy, routes);
    Reconciled<HTTPRoute> plan = RouteDesign.plan(route(policy).get(), desired);
    if (plan.modified()) {
      client.resource(plan.desired()).fieldManager(RouteDesign.MANAGER).forceConflicts().serverSideApply();
    }
  }

  @Override
  public Optional<Routes> current(PolicyRef policy) {
    return Optional.ofNullable(route(policy).get()).map(live -> HttpRouteDesign.routesOf(policy, live));
  }

  @Override
  public void finalize(PolicyRef policy) {
    route(policy).delete();
  }

  @Override
  public Optional<RouterKind> kind(PolicyRef policy) {
    return Optional.of(RouterKind.GATEWAY_API);
  }

  private Resource<HTTPRoute> route(PolicyRef policy) {
    return client.resources(HTTPRoute.class).inNamespace(policy.namespace()).withName(RouteDesign.objectName(policy));
  }
}
