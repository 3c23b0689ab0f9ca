package io.keelson.mesh;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Gateway API's HTTPRoute routing, as the specification says, which is not Istio's first match: every rule of
 * every route attached to where the request goes competes, and the most specific match wins.
 *
 * <ol>
 *   <li>Attachment: mesh traffic to a Service is governed by the HTTPRoutes whose parent is that Service (GAMMA);
 *       ingress traffic through a Gateway by the HTTPRoutes whose parent is that Gateway and whose hostnames
 *       cover the request's host (none = any host). When a Service or Gateway has such routes, they decide
 *       and no VirtualService is consulted.
 *   <li>Precedence among matching rules: an exact hostname over a wildcard (Gateways only), then an exact path
 *       over a prefix, a longer prefix over a shorter (a regular expression after every prefix), a method match
 *       over none, more header matches, more query parameter matches; ties go to the oldest route, then by
 *       {@code namespace/name}, then to the first rule and match in list order.
 *   <li>Conditions: path {@code Exact}, {@code PathPrefix} (element by element: {@code /api} matches
 *       {@code /api/items}, not {@code /apis}) and {@code RegularExpression}; headers and query parameters
 *       {@code Exact} or {@code RegularExpression} (whole value, as Envoy's RE2); method. A rule without matches
 *       matches every path.
 *   <li>Backends: picked by weight (absent = 1, 0 = never); a Service with no ready pod or a rule with no
 *       weighted backend fails as Istio fails it ({@code UH}, 503).
 * </ol>
 */
final class HttpRouteRouting {

  private static final HTTPRouteMatch EVERY_PATH = new HTTPRouteMatch(null, null,
      new HTTPPathMatch("PathPrefix", "/"), null);

  /** One match of one rule of one route, with what ranks it. */
  private record Candidate(MeshState.AttachedRoute route, int ruleIndex, int matchIndex, HTTPRouteRule rule,
      HTTPRouteMatch match, int hostnameRank) {}

  private static final Comparator<Candidate> PRECEDENCE = Comparator
      .comparingInt((Candidate c) -> -c.hostnameRank())
      .thenComparingInt(c -> -pathRank(c.match().getPath()))
      .thenComparingInt(c -> c.match().getMethod() == null ? 0 : -1)
      .thenComparingInt(c -> -size(c.match().getHeaders()))
      .thenComparingInt(c -> -size(c.match().getQueryParams()))
      .thenComparing(c -> c.route().created())
      .thenComparing(c -> c.route().ref())
      .thenComparingInt(Candidate::ruleIndex)
      .thenComparingInt(Candidate::matchIndex);

  private HttpRouteRouting() {}

  /** The HTTPRoutes attached to the Service {@code fqdn}, for mesh traffic. */
  static List<MeshState.AttachedRoute> attachedToService(MeshState state, String fqdn) {
    return state.httpRoutes().stream().filter(route -> route.services().contains(fqdn)).toList();
  }

  /** The HTTPRoutes attached to {@code gateway} ({@code namespace/name} or {@code name}) answering {@code host}. */
  static List<MeshState.AttachedRoute> attachedToGateway(MeshState state, String gateway, String host) {
    return state.httpRoutes().stream()
        .filter(route -> route.gateways().stream().anyMatch(parent -> gateway.contains("/")
            ? parent.equals(gateway) : parent.substring(parent.indexOf('/') + 1).equals(gateway)))
        .filter(route -> hostnameRank(route, host) >= 0)
        .toList();
  }

  /**
   * Routes {@code request} by {@code routes} (all attached to where it goes).
   *
   * @param host the request's host as the routes' hostnames are compared with it
   */
  static RouteDecision route(MeshState state, List<MeshState.AttachedRoute> routes, MeshRequest request, String host,
      RandomGenerator random) {
    Optional<Candidate> winner = candidates(routes, host).stream()
        .filter(candidate -> matches(candidate.match(), request))
        .min(PRECEDENCE);
    if (winner.isEmpty()) {
      String ref = routes.isEmpty() ? RouteDecision.NONE : routes.get(0).ref();
      return RouteDecision.noRoute(ref, -1, null);
    }
    Candidate chosen = winner.get();
    String ref = chosen.route().ref();
    String ruleName = chosen.rule().getName();
    RouteDecision.Mirror mirror = Mirrors.of(state, chosen.rule(), chosen.route().namespace(), random);
    HTTPBackendRef backend = pick(chosen.rule().getBackendRefs(), random);
    if (backend == null) {
      return new RouteDecision(ref, chosen.ruleIndex(), ruleName, null, null, null, RouteDecision.NO_HEALTHY_UPSTREAM,
          mirror);
    }
    String namespace = backend.getNamespace() == null || backend.getNamespace().isEmpty()
        ? chosen.route().namespace() : backend.getNamespace();
    String fqdn = Hosts.fqdn(backend.getName(), namespace);
    MeshState.ServiceEntry service = state.service(fqdn);
    List<Endpoint> endpoints = service == null ? List.of() : state.endpoints(service, Map.of());
    if (endpoints.isEmpty()) {
      return new RouteDecision(ref, chosen.ruleIndex(), ruleName, fqdn, null, null, RouteDecision.NO_HEALTHY_UPSTREAM,
          mirror);
    }
    Endpoint endpoint = endpoints.get(random.nextInt(endpoints.size()));
    return new RouteDecision(ref, chosen.ruleIndex(), ruleName, fqdn, null, endpoint, RouteDecision.ROUTED, mirror);
  }

  private static List<Candidate> candidates(List<MeshState.AttachedRoute> routes, String host) {
    List<Candidate> candidates = new ArrayList<>();
    for (MeshState.AttachedRoute route : routes) {
      int hostnameRank = Math.max(0, hostnameRank(route, host));
      List<HTTPRouteRule> rules = route.rules().isEmpty() ? List.of(new HTTPRouteRule()) : route.rules();
      for (int r = 0; r < rules.size(); r++) {
        HTTPRouteRule rule = rules.get(r);
        List<HTTPRouteMatch> matches = rule.getMatches() == null || rule.getMatches().isEmpty()
            ? List.of(EVERY_PATH) : rule.getMatches();
        for (int m = 0; m < matches.size(); m++) {
          HTTPRouteMatch match = matches.get(m).getPath() == null
              ? new HTTPRouteMatch(matches.get(m).getHeaders(), matches.get(m).getMethod(), EVERY_PATH.getPath(),
                  matches.get(m).getQueryParams())
              : matches.get(m);
          candidates.add(new Candidate(route, r, m, rule, match, hostnameRank));
        }
      }
    }
    return candidates;
  }

  /** 2 for an exact hostname, 1 for a wildcard, 0 when the route names none; -1 when it does not cover it. */
  private static int hostnameRank(MeshState.AttachedRoute route, String host) {
    if (route.hostnames().isEmpty()) {
      return 0;
    }
    int rank = -1;
    for (String hostname : route.hostnames()) {
      if (hostname.equals(host)) {
        return 2;
      }
      if (hostname.startsWith("*.") && Hosts.covers(hostname, host)) {
        rank = 1;
      }
    }
    return rank;
  }

  /** Exact paths first, then prefixes by length, then regular expressions. */
  private static int pathRank(HTTPPathMatch path) {
    String value = path.getValue() == null ? "/" : path.getValue();
    return switch (path.getType() == null ? "PathPrefix" : path.getType()) {
      case "Exact" -> Integer.MAX_VALUE;
      case "PathPrefix" -> 1 + value.length();
      default -> 0;
    };
  }

  private static int size(List<?> list) {
    return list == null ? 0 : list.size();
  }

  static boolean matches(HTTPRouteMatch match, MeshRequest request) {
    if (!pathMatches(match.getPath(), request.pathOnly())) {
      return false;
    }
    String method = request.header(":method");
    if (match.getMethod() != null && !match.getMethod().equals(method == null ? "GET" : method)) {
      return false;
    }
    for (HTTPHeaderMatch header : match.getHeaders() == null ? List.<HTTPHeaderMatch>of() : match.getHeaders()) {
      if (!valueMatches(header.getType(), header.getValue(), request.header(header.getName()))) {
        return false;
      }
    }
    if (match.getQueryParams() != null && !match.getQueryParams().isEmpty()) {
      Map<String, String> query = QueryString.parse(request.path());
      for (HTTPQueryParamMatch param : match.getQueryParams()) {
        if (!valueMatches(param.getType(), param.getValue(), query.get(param.getName()))) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean pathMatches(HTTPPathMatch path, String requestPath) {
    String value = path.getValue() == null ? "/" : path.getValue();
    return switch (path.getType() == null ? "PathPrefix" : path.getType()) {
      case "Exact" -> requestPath.equals(value);
      case "PathPrefix" -> {
        String prefix = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
        yield prefix.isEmpty() || requestPath.equals(prefix) || requestPath.startsWith(prefix + "/");
      }
      case "RegularExpression" -> RouteMatch.fullMatch(value, requestPath);
      default -> false;
    };
  }

  private static boolean valueMatches(String type, String wanted, String value) {
    if (value == null) {
      return false;
    }
    return "RegularExpression".equals(type) ? RouteMatch.fullMatch(wanted, value) : value.equals(wanted);
  }

  /** A backend Service by weight: absent = 1, 0 = never; null when none has weight. */
  private static HTTPBackendRef pick(List<HTTPBackendRef> backends, RandomGenerator random) {
    if (backends == null) {
      return null;
    }
    List<HTTPBackendRef> services = backends.stream()
        .filter(b -> (b.getGroup() == null || b.getGroup().isEmpty())
            && (b.getKind() == null || "Service".equals(b.getKind())) && b.getName() != null)
        .toList();
    long total = services.stream().mapToLong(HttpRouteRouting::weight).sum();
    if (total <= 0) {
      return null;
    }
    long ticket = random.nextLong(total);
    for (HTTPBackendRef backend : services) {
      ticket -= weight(backend);
      if (ticket < 0) {
        return backend;
      }
    }
    throw new IllegalStateException("unreachable: the ticket is below the total weight");
  }

  private static long weight(HTTPBackendRef backend) {
    return backend.getWeight() == null ? 1 : Math.max(0, backend.getWeight());
  }
}
