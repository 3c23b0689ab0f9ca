package io.keelson.release.gatewayapi;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Fraction;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteTimeouts;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.keelson.release.api.ServiceSpec;
import io.keelson.release.api.TestRoute;
import io.keelson.release.deploy.ReleaseAwareRender;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.RouteDesign;
import io.keelson.release.traffic.Routes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The HTTPRoute a policy's traffic needs under the Kubernetes Gateway API, as a pure function of the policy and
 * the {@link Routes}: the Gateway API counterpart of {@link RouteDesign#virtualService}.
 *
 * <p>One HTTPRoute per policy, named, labelled and owned as the VirtualService is ({@link RouteDesign#metadata}).
 * Its parents: the policy's Service itself (GAMMA: the route applies to mesh traffic addressed to that
 * Service) for the gateway {@code mesh} or when no gateway is named, and every other named gateway
 * ({@code name} or {@code namespace/name}) as a Gateway API Gateway (ingress). Hostnames (the policy's
 * {@code host} unless it is the cluster-local name, and its extra {@code hosts}) are set only when a Gateway is
 * a parent: a Service parent ignores them.
 *
 * <p>Rules: {@code keelson-test} (when the test route is on) sends requests whose test header matches to the
 * canary Service; {@code keelson-weighted} splits the rest between the stable and canary Services by weight,
 * the canary at weight 0 when idle. Gateway API picks the rule by match specificity, not by order: a match
 * with a header condition beats one without on the same path, so the test rule wins for test requests
 * whatever the order. Every field the API server would default (path match, header match type, backend
 * group, kind and weight, parent group and kind) is written out, so the live object compares equal to this
 * design and an unchanged tick writes nothing.
 *
 * <p>While the release mirrors, the weighted rule carries a {@code RequestMirror} filter to the canary Service
 * with {@code percent} (in the standard channel, as the pinned v1.6.3 CRD shows). Istio copies that share of
 * the rule's requests, appends {@code -shadow} to the authority and discards the copies' answers. The test rule
 * has no filter, so test requests are not copied.
 *
 * <p>What maps from the policy: {@code timeout} to each rule's {@code timeouts.request}, {@code
 * retries.perTryTimeout} to {@code timeouts.backendRequest}. The standard channel has no retry policy
 * ({@code retry} is experimental), so {@code retries.attempts} and {@code retries.retryOn} are refused by
 * validation for this router rather than dropped. The header match: exact is Gateway API's {@code Exact};
 * regex is {@code RegularExpression} (RE2 in Istio's implementation, matched against the whole value as
 * Istio does); Gateway API has no prefix match, so a prefix becomes a {@code RegularExpression} of the
 * quoted prefix followed by anything.
 */
public final class HttpRouteDesign {

  /** Gateway API's API group, the default group of a parent reference. */
  public static final String GROUP = "gateway.networking.k8s.io";
  /** The core API group of a Service, as Gateway API spells it. */
  public static final String CORE_GROUP = "";
  public static final String SERVICE_KIND = "Service";
  public static final String GATEWAY_KIND = "Gateway";
  public static final String PATH_PREFIX = "PathPrefix";
  public static final String EXACT = "Exact";
  public static final String REGULAR_EXPRESSION = "RegularExpression";
  public static final String REQUEST_MIRROR = "RequestMirror";

  private HttpRouteDesign() {}

  /**
   * The desired HTTPRoute.
   *
   * @throws IllegalArgumentException if {@code routes} asks for a test route the policy does not define
   */
  public static HTTPRoute httpRoute(PolicyRef policy, Routes routes) {
    ServiceSpec service = policy.service();
    List<HTTPRouteRule> rules = new ArrayList<>();
    if (routes.testRoute()) {
      TestRoute test = policy.testRoute();
      if (test == null || test.header() == null || test.match() == null || test.match().type() == null) {
        throw new IllegalArgumentException("ReleasePolicy " + policy.namespace() + "/" + policy.name()
            + " defines no test route (header and match), so none can be routed");
      }
      HTTPRouteMatch match = everyPath();
      match.setHeaders(new ArrayList<>(List.of(headerMatch(test))));
      rules.add(rule(RouteDesign.TEST_ROUTE, service, match, List.of(backend(canaryService(policy), service, 1))));
    }
    HTTPRouteRule weighted = rule(RouteDesign.WEIGHTED_ROUTE, service, everyPath(), List.of(
        backend(service.name(), service, routes.stableWeight()),
        backend(canaryService(policy), service, routes.canaryWeight())));
    if (routes.mirrorPercent() > 0) {
      weighted.setFilters(new ArrayList<>(List.of(mirror(policy, routes.mirrorPercent()))));
    }
    rules.add(weighted);

    HTTPRouteSpec spec = new HTTPRouteSpec();
    List<ParentReference> parents = parents(policy);
    spec.setParentRefs(parents);
    if (parents.stream().anyMatch(parent -> GATEWAY_KIND.equals(parent.getKind()))) {
      List<String> hostnames = hostnames(policy);
      spec.setHostnames(hostnames.isEmpty() ? null : hostnames);
    }
    spec.setRules(rules);

    HTTPRoute route = new HTTPRoute();
    route.setMetadata(RouteDesign.metadata(policy));
    route.setSpec(spec);
    return route;
  }

  /** Name of the canary Service, in the policy's namespace. */
  public static String canaryService(PolicyRef policy) {
    return policy.service().name() + ReleaseAwareRender.CANARY_SUFFIX;
  }

  /**
   * The routes a live HTTPRoute puts in effect, read the way the data plane reads it rather than by rule name,
   * so a hand edit shows: the canary weight is the canary Service's share of the backend weights of the first
   * rule that matches every request (a match on any path with no other condition; 0 when there is none), and
   * the test route is on when a rule matching the policy's test header sends everything to the canary.
   * Gateway API weights are proportions, not percentages, so the share is rounded to a whole percent. The
   * mirror is that rule's {@code RequestMirror} filter to the canary Service: its {@code percent}, or its
   * {@code fraction} rounded up to a whole percent, or all requests when it gives neither.
   */
  public static Routes routesOf(PolicyRef policy, HTTPRoute live) {
    List<HTTPRouteRule> rules = live.getSpec() == null || live.getSpec().getRules() == null
        ? List.of() : live.getSpec().getRules();
    String canary = canaryService(policy);
    String header = policy.testRoute() == null || policy.testRoute().header() == null
        ? null : policy.testRoute().header();
    boolean testRoute = false;
    Integer canaryWeight = null;
    int mirrorPercent = 0;
    for (HTTPRouteRule rule : rules) {
      List<HTTPRouteMatch> matches = rule.getMatches() == null || rule.getMatches().isEmpty()
          ? List.of(everyPath()) : rule.getMatches();
      if (canaryWeight == null && matches.stream().anyMatch(HttpRouteDesign::matchesEveryRequest)) {
        canaryWeight = share(rule.getBackendRefs(), canary);
        mirrorPercent = mirrorOf(rule, canary);
      }
      boolean matchesHeader = header != null && matches.stream().anyMatch(match -> match.getHeaders() != null
          && match.getHeaders().stream().anyMatch(h -> header.equalsIgnoreCase(h.getName())));
      if (matchesHeader && share(rule.getBackendRefs(), canary) == 100) {
        testRoute = true;
      }
    }
    return new Routes(canaryWeight == null ? 0 : canaryWeight, testRoute, mirrorPercent);
  }

  /** The {@code RequestMirror} filter copying {@code percent} of a rule's requests to the canary Service. */
  private static HTTPRouteFilter mirror(PolicyRef policy, int percent) {
    BackendObjectReference canary = new BackendObjectReference();
    canary.setGroup(CORE_GROUP);
    canary.setKind(SERVICE_KIND);
    canary.setName(canaryService(policy));
    canary.setPort(policy.service().port());
    HTTPRouteFilter filter = new HTTPRouteFilter();
    filter.setType(REQUEST_MIRROR);
    filter.setRequestMirror(new HTTPRequestMirrorFilter(canary, null, percent));
    return filter;
  }

  /** The share of {@code rule}'s requests mirrored to {@code canary}, in whole percent. */
  private static int mirrorOf(HTTPRouteRule rule, String canary) {
    int percent = 0;
    for (HTTPRouteFilter filter : rule.getFilters() == null ? List.<HTTPRouteFilter>of() : rule.getFilters()) {
      HTTPRequestMirrorFilter mirror = filter.getRequestMirror();
      if (!REQUEST_MIRROR.equals(filter.getType()) || mirror == null || mirror.getBackendRef() == null
          || !canary.equals(mirror.getBackendRef().getName())) {
        continue;
      }
      Fraction fraction = mirror.getFraction();
      percent = Math.max(percent, mirror.getPercent() != null ? mirror.getPercent()
          : fraction != null && fraction.getNumerator() != null
              ? (int) Math.ceil(100.0 * fraction.getNumerator()
                  / (fraction.getDenominator() == null ? 100 : Math.max(1, fraction.getDenominator())))
              : 100);
    }
    return Math.max(0, Math.min(100, percent));
  }

  /** The Gateway API regular expression for a header matching {@code prefix} at its start. */
  static String prefixRegex(String prefix) {
    StringBuilder quoted = new StringBuilder();
    for (char c : prefix.toCharArray()) {
      if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
        quoted.append('\\');
      }
      quoted.append(c);
    }
    return quoted + ".*";
  }

  private static List<ParentReference> parents(PolicyRef policy) {
    List<String> gateways = policy.service().gateways();
    List<ParentReference> parents = new ArrayList<>();
    if (gateways == null || gateways.isEmpty() || gateways.contains(RouteDesign.MESH_GATEWAY)) {
      ParentReference service = new ParentReference();
      service.setGroup(CORE_GROUP);
      service.setKind(SERVICE_KIND);
      service.setName(policy.service().name());
      parents.add(service);
    }
    if (gateways != null) {
      for (String gateway : gateways) {
        if (RouteDesign.MESH_GATEWAY.equals(gateway)) {
          continue;
        }
        ParentReference parent = new ParentReference();
        parent.setGroup(GROUP);
        parent.setKind(GATEWAY_KIND);
        int slash = gateway.indexOf('/');
        parent.setName(slash < 0 ? gateway : gateway.substring(slash + 1));
        parent.setNamespace(slash < 0 ? null : gateway.substring(0, slash));
        parents.add(parent);
      }
    }
    return parents;
  }

  /** The hosts a Gateway listener is asked to route: cluster-local names are the mesh's, not a Gateway's. */
  private static List<String> hostnames(PolicyRef policy) {
    ServiceSpec service = policy.service();
    Set<String> hostnames = new LinkedHashSet<>();
    if (service.host() != null && !service.host().isEmpty() && !service.host().endsWith(".cluster.local")) {
      hostnames.add(service.host());
    }
    if (service.hosts() != null) {
      hostnames.addAll(service.hosts());
    }
    return new ArrayList<>(hostnames);
  }

  private static HTTPRouteRule rule(String name, ServiceSpec service, HTTPRouteMatch match,
      List<HTTPBackendRef> backends) {
    HTTPRouteRule rule = new HTTPRouteRule();
    rule.setName(name);
    rule.setMatches(new ArrayList<>(List.of(match)));
    rule.setBackendRefs(new ArrayList<>(backends));
    String perTry = service.retries() == null ? null : service.retries().perTryTimeout();
    if (service.timeout() != null || perTry != null) {
      rule.setTimeouts(new HTTPRouteTimeouts(perTry, service.timeout()));
    }
    return rule;
  }

  /** A match on every path: what the API server would default a rule's match to. */
  private static HTTPRouteMatch everyPath() {
    HTTPRouteMatch match = new HTTPRouteMatch();
    match.setPath(new HTTPPathMatch(PATH_PREFIX, "/"));
    return match;
  }

  private static boolean matchesEveryRequest(HTTPRouteMatch match) {
    HTTPPathMatch path = match.getPath();
    boolean everyPath = path == null || (PATH_PREFIX.equals(path.getType()) && "/".equals(path.getValue()));
    return everyPath && (match.getHeaders() == null || match.getHeaders().isEmpty())
        && (match.getQueryParams() == null || match.getQueryParams().isEmpty()) && match.getMethod() == null;
  }

  private static HTTPBackendRef backend(String serviceName, ServiceSpec service, int weight) {
    HTTPBackendRef backend = new HTTPBackendRef();
    backend.setGroup(CORE_GROUP);
    backend.setKind(SERVICE_KIND);
    backend.setName(serviceName);
    backend.setPort(service.port());
    backend.setWeight(weight);
    return backend;
  }

  /** HTTP header names are case-insensitive; lower case keeps the live object stable. */
  private static HTTPHeaderMatch headerMatch(TestRoute test) {
    String name = test.header().toLowerCase(Locale.ROOT);
    TestRoute.HeaderMatch match = test.match();
    return switch (match.type()) {
      case EXACT -> new HTTPHeaderMatch(name, EXACT, match.value());
      case PREFIX -> new HTTPHeaderMatch(name, REGULAR_EXPRESSION, prefixRegex(match.value()));
      case REGEX -> new HTTPHeaderMatch(name, REGULAR_EXPRESSION, match.value());
    };
  }

  /** The canary's share, in percent, of the backends' weights (a backend without weight weighs 1). */
  private static int share(List<HTTPBackendRef> backends, String canary) {
    if (backends == null || backends.isEmpty()) {
      return 0;
    }
    long total = 0;
    long toCanary = 0;
    for (HTTPBackendRef backend : backends) {
      int weight = backend.getWeight() == null ? 1 : Math.max(0, backend.getWeight());
      total += weight;
      if (canary.equals(backend.getName()) && (backend.getKind() == null || SERVICE_KIND.equals(backend.getKind()))) {
        toCanary += weight;
      }
    }
    return total == 0 ? 0 : (int) Math.round(100.0 * toCanary / total);
  }
}
