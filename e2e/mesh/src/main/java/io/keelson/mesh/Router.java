package io.keelson.mesh;

import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteDestination;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Decides where one request goes, as Envoy configured by Istio would: no I/O, randomness only from the given
 * source, so tests can replay a seed.
 *
 * <ol>
 *   <li>Gateway API first: when HTTPRoutes are attached to the request's Service (mesh) or Gateway (ingress, with
 *       a hostname covering the host), they decide, as {@link HttpRouteRouting} says.
 *   <li>The request's host, and the names it expands to, is looked up among the hosts of the VirtualServices
 *       bound to the request's gateway ({@code mesh} for traffic between sidecars); an exact host wins over a
 *       wildcard, an older VirtualService over a newer one.
 *   <li>Its HTTP routes are tried in order; the first that matches wins, and one destination is picked by
 *       weight. Without a VirtualService, mesh traffic to a Service's host goes straight to the Service.
 *   <li>The destination's Service (and DestinationRule subset) gives the ready pods; one is picked at random.
 *   <li>A route's mirror (VirtualService {@code mirror}, HTTPRoute {@code RequestMirror}) adds a copy of the
 *       request for a share of them, as {@link Mirrors} says.
 * </ol>
 */
final class Router {

  private Router() {}

  static RouteDecision route(MeshState state, MeshRequest request, RandomGenerator random) {
    String host = Hosts.ofAuthority(request.host());
    List<String> names = Hosts.candidates(host, request.sourceNamespace());
    for (String name : names) {
      List<MeshState.AttachedRoute> httpRoutes = request.gateway() == null
          ? HttpRouteRouting.attachedToService(state, name)
          : HttpRouteRouting.attachedToGateway(state, request.gateway(), name);
      if (!httpRoutes.isEmpty()) {
        return HttpRouteRouting.route(state, httpRoutes, request, name, random);
      }
      MeshState.Routing routing = virtualServiceFor(state, name, request.gateway());
      if (routing != null) {
        return viaVirtualService(state, routing, request, random);
      }
      MeshState.ServiceEntry service = state.service(name);
      if (service != null && request.gateway() == null) {
        return toService(state, RouteDecision.NONE, -1, null, service, null, null, random);
      }
    }
    // A bare name from a caller of unknown namespace: the one Service of that name, if it is unique.
    MeshState.ServiceEntry unique = host.contains(".") || request.sourceNamespace() != null ? null
        : state.uniqueService(host);
    if (unique != null) {
      return route(state, new MeshRequest(host, request.path(), request.headers(), request.gateway(),
          unique.namespace()), random);
    }
    return RouteDecision.noRoute(RouteDecision.NONE, -1, null);
  }

  private static MeshState.Routing virtualServiceFor(MeshState state, String host, String gateway) {
    MeshState.Routing wildcard = null;
    for (MeshState.Routing routing : state.routings()) {
      if (!MeshGateway.binds(routing.gateways(), routing.namespace(), gateway)) {
        continue;
      }
      for (String pattern : routing.hosts()) {
        if (pattern.equals(host)) {
          return routing;
        }
        if (wildcard == null && Hosts.covers(pattern, host)) {
          wildcard = routing;
        }
      }
    }
    return wildcard;
  }

  private static RouteDecision viaVirtualService(MeshState state, MeshState.Routing routing, MeshRequest request,
      RandomGenerator random) {
    List<HTTPRoute> http = routing.http();
    for (int index = 0; index < http.size(); index++) {
      HTTPRoute route = http.get(index);
      if (!RouteMatch.matches(route, request, routing.namespace())) {
        continue;
      }
      RouteDecision.Mirror mirror = Mirrors.of(state, route, routing.namespace(), random);
      HTTPRouteDestination picked = Weights.pick(route.getRoute(), random);
      if (picked == null || picked.getDestination() == null || picked.getDestination().getHost() == null) {
        // A redirect, a direct response or only zero weights: nothing this simulator can forward to.
        return RouteDecision.noRoute(routing.ref(), index, route.getName()).withMirror(mirror);
      }
      String destination = Hosts.resolve(picked.getDestination().getHost(), routing.namespace());
      MeshState.ServiceEntry service = state.service(destination);
      String subset = picked.getDestination().getSubset();
      if (service == null) {
        return new RouteDecision(routing.ref(), index, route.getName(), destination, subset, null,
            RouteDecision.NO_HEALTHY_UPSTREAM, mirror);
      }
      return toService(state, routing.ref(), index, route.getName(), service, subset, routing.namespace(), random)
          .withMirror(mirror);
    }
    return RouteDecision.noRoute(routing.ref(), -1, null);
  }

  private static RouteDecision toService(MeshState state, String ref, int index, String routeName,
      MeshState.ServiceEntry service, String subset, String clientNamespace, RandomGenerator random) {
    Map<String, String> subsetLabels = Map.of();
    if (subset != null && !subset.isEmpty()) {
      MeshState.Rule rule = state.rule(service.fqdn(), clientNamespace, service.namespace());
      subsetLabels = rule == null ? null : rule.subsets().get(subset);
      if (subsetLabels == null) {
        return new RouteDecision(ref, index, routeName, service.fqdn(), subset, null, RouteDecision.NO_CLUSTER);
      }
    }
    List<Endpoint> endpoints = state.endpoints(service, subsetLabels);
    if (endpoints.isEmpty()) {
      return new RouteDecision(ref, index, routeName, service.fqdn(), subset, null,
          RouteDecision.NO_HEALTHY_UPSTREAM);
    }
    Endpoint endpoint = endpoints.get(random.nextInt(endpoints.size()));
    return new RouteDecision(ref, index, routeName, service.fqdn(), subset, endpoint, RouteDecision.ROUTED);
  }
}
