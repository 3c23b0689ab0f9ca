package io.keelson.mesh;

import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Fraction;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Envoy's request mirroring (shadowing), as Istio configures it: a copy of a share of the requests a route
 * matches goes to the mirror's Service, with {@code -shadow} appended to its authority; the copy's answer is
 * discarded, so the caller is answered by the route's destination alone.
 *
 * <ul>
 *   <li>VirtualService: an HTTP route's {@code mirror} (a host, resolved in the VirtualService's namespace) with
 *       {@code mirrorPercentage} (absent: the older {@code mirrorPercent}, else 100%). A mirror subset is not
 *       simulated: the copy may reach any ready pod of the host.
 *   <li>HTTPRoute: each {@code RequestMirror} filter of the matched rule, a Service {@code backendRef} with
 *       {@code percent} or {@code fraction} (neither: 100%); with several, each is sampled apart and the first
 *       that copies is simulated.
 * </ul>
 * Each request is copied or not at random, as Envoy samples its runtime fraction per request.
 */
final class Mirrors {

  static final String SHADOW_SUFFIX = "-shadow";
  static final String REQUEST_MIRROR = "RequestMirror";

  private Mirrors() {}

  /** The copy a VirtualService HTTP route of {@code namespace} sends for one request; null for none. */
  static RouteDecision.Mirror of(MeshState state, HTTPRoute route, String namespace, RandomGenerator random) {
    if (route.getMirror() == null || route.getMirror().getHost() == null) {
      return null;
    }
    double percent = route.getMirrorPercentage() != null && route.getMirrorPercentage().getValue() != null
        ? route.getMirrorPercentage().getValue()
        : route.getMirrorPercent() != null ? route.getMirrorPercent() : 100;
    return sampled(percent, random) ? copyTo(state, Hosts.resolve(route.getMirror().getHost(), namespace), random)
        : null;
  }

  /** The copy a Gateway API rule of a route in {@code namespace} sends for one request; null for none. */
  static RouteDecision.Mirror of(MeshState state, HTTPRouteRule rule, String namespace, RandomGenerator random) {
    for (HTTPRouteFilter filter : rule.getFilters() == null ? List.<HTTPRouteFilter>of() : rule.getFilters()) {
      HTTPRequestMirrorFilter mirror = filter.getRequestMirror();
      if (!REQUEST_MIRROR.equals(filter.getType()) || mirror == null || mirror.getBackendRef() == null
          || mirror.getBackendRef().getName() == null) {
        continue;
      }
      if (sampled(percent(mirror), random)) {
        String backendNamespace = mirror.getBackendRef().getNamespace() == null
            || mirror.getBackendRef().getNamespace().isEmpty() ? namespace : mirror.getBackendRef().getNamespace();
        return copyTo(state, Hosts.fqdn(mirror.getBackendRef().getName(), backendNamespace), random);
      }
    }
    return null;
  }

  /** The copy as the mirror's pod receives it: the authority's host with {@link #SHADOW_SUFFIX}, port kept. */
  static MeshRequest shadow(MeshRequest request) {
    String authority = request.host();
    int colon = authority.lastIndexOf(':');
    String host = colon >= 0 && authority.indexOf(']') < colon
        ? authority.substring(0, colon) + SHADOW_SUFFIX + authority.substring(colon)
        : authority + SHADOW_SUFFIX;
    return new MeshRequest(host, request.path(), request.headers(), request.gateway(), request.sourceNamespace());
  }

  private static double percent(HTTPRequestMirrorFilter mirror) {
    Fraction fraction = mirror.getFraction();
    if (mirror.getPercent() != null) {
      return mirror.getPercent();
    }
    if (fraction != null && fraction.getNumerator() != null) {
      int denominator = fraction.getDenominator() == null ? 100 : Math.max(1, fraction.getDenominator());
      return 100.0 * fraction.getNumerator() / denominator;
    }
    return 100;
  }

  private static boolean sampled(double percent, RandomGenerator random) {
    return percent >= 100 || (percent > 0 && random.nextDouble() * 100 < percent);
  }

  private static RouteDecision.Mirror copyTo(MeshState state, String fqdn, RandomGenerator random) {
    MeshState.ServiceEntry service = state.service(fqdn);
    List<Endpoint> endpoints = service == null ? List.of() : state.endpoints(service, Map.of());
    return new RouteDecision.Mirror(fqdn,
        endpoints.isEmpty() ? null : endpoints.get(random.nextInt(endpoints.size())));
  }
}
