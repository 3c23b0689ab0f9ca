package io.keelson.sandbox;

import io.fabric8.kubernetes.api.model.Service;
import io.keelson.mesh.TrafficSource;
import io.keelson.release.api.MatchType;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.TestRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The sandbox's steady load, derived from what is deployed: every application Service gets traffic,
 * and a Service released by a ReleasePolicy also gets a share carrying the policy's test header, so
 * the test route is exercised as a tester would. Production requests carry a shopper's session header
 * ({@value #SESSION_HEADER}) that test requests never do, as production traffic is shaped unlike a tester's:
 * a version that breaks on it passes its test route and is caught only on production-shaped traffic (mirrored,
 * or weighted). Pure: cluster objects in, traffic sources out.
 */
public final class MeshTraffic {

  /** Namespaces that hold no application Services. */
  private static final Set<String> SYSTEM_NAMESPACES = Set.of("default", "kube-system", "kube-public",
      "kube-node-lease", "keelson-system");
  static final String SOURCE_WORKLOAD = "sandbox-load";
  static final String SOURCE_NAMESPACE = "sandbox";
  /** The header of every production request, and of no test request. */
  public static final String SESSION_HEADER = "x-shop-session";
  static final Map<String, String> PRODUCTION_HEADERS = Map.of(SESSION_HEADER, "sandbox-shopper");

  private final double requestsPerSecond;
  private final double testRequestsPerSecond;

  public MeshTraffic(double requestsPerSecond, double testRequestsPerSecond) {
    this.requestsPerSecond = requestsPerSecond;
    this.testRequestsPerSecond = testRequestsPerSecond;
  }

  public List<TrafficSource> sources(List<Service> services, List<ReleasePolicy> policies) {
    List<TrafficSource> sources = new ArrayList<>();
    for (Service service : services) {
      String namespace = service.getMetadata().getNamespace();
      String name = service.getMetadata().getName();
      // Callers address the stable Service; the canary Service is reached only through routing.
      if (SYSTEM_NAMESPACES.contains(namespace) || name.endsWith("-canary")) {
        continue;
      }
      String host = name + "." + namespace + ".svc.cluster.local";
      sources.add(new TrafficSource(host, requestsPerSecond, PRODUCTION_HEADERS, SOURCE_WORKLOAD, SOURCE_NAMESPACE));
      for (ReleasePolicy policy : policies) {
        String header = testHeader(policy, namespace, name);
        if (header != null) {
          sources.add(new TrafficSource(host, testRequestsPerSecond,
              Map.of(policy.getSpec().getTestRoute().header(), header), SOURCE_WORKLOAD, SOURCE_NAMESPACE));
        }
      }
    }
    return sources;
  }

  /** The header value a tester would send to reach this policy's candidate, or null when none applies. */
  static String testHeader(ReleasePolicy policy, String namespace, String service) {
    if (!namespace.equals(policy.getMetadata().getNamespace()) || policy.getSpec() == null
        || policy.getSpec().getService() == null || !service.equals(policy.getSpec().getService().name())) {
      return null;
    }
    TestRoute route = policy.getSpec().getTestRoute();
    if (route == null || route.header() == null || route.match() == null || route.match().value() == null) {
      return null;
    }
    String value = route.match().value();
    MatchType type = route.match().type() == null ? MatchType.EXACT : route.match().type();
    return switch (type) {
      case EXACT -> value;
      case PREFIX -> value + "sandbox";
      // A regex is used literally when it matches itself (most header regexes are plain words).
      case REGEX -> Pattern.compile(value).matcher(value).matches() ? value : null;
    };
  }
}
