package io.keelson.mesh;

import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable picture of what the mesh knows: VirtualServices, DestinationRules, HTTPRoutes, Services and ready pods,
 * indexed for routing. A new one is built on every change; a request sees one picture from start to end.
 */
final class MeshState {

  static final MeshState EMPTY = of(List.of(), List.of(), List.of(), List.of());

  /**
   * A Gateway API HTTPRoute: where it is attached (Services for mesh traffic, Gateways for ingress), the
   * hostnames it answers for (empty: any) and its rules.
   *
   * @param created the creation timestamp, RFC 3339 (sorts as time); empty when unknown
   * @param services FQDNs of the Services it is attached to (GAMMA)
   * @param gateways {@code namespace/name} of the Gateways it is attached to
   */
  record AttachedRoute(String ref, String namespace, String created, List<String> services, List<String> gateways,
      List<String> hostnames, List<HTTPRouteRule> rules) {}

  /** A VirtualService with its hosts and gateways resolved relative to its namespace. */
  record Routing(String ref, String namespace, List<String> hosts, List<String> gateways, List<HTTPRoute> http) {}

  /** A Service: its FQDN and the labels that select its pods (empty: it selects none). */
  record ServiceEntry(String name, String namespace, String fqdn, Map<String, String> selector) {}

  /** A DestinationRule: its resolved host and its subsets' labels. */
  record Rule(String namespace, String host, Map<String, Map<String, String>> subsets) {}

  /** A ready pod with its labels, for selectors and subsets. */
  record Member(Map<String, String> labels, Endpoint endpoint) {}

  private final List<Routing> routings;
  private final List<AttachedRoute> httpRoutes;
  private final Map<String, ServiceEntry> services;
  private final Map<String, List<ServiceEntry>> servicesByName;
  private final List<Rule> rules;
  private final Map<String, List<Member>> readyPods;

  private MeshState(List<Routing> routings, List<AttachedRoute> httpRoutes, Map<String, ServiceEntry> services,
      List<Rule> rules, Map<String, List<Member>> readyPods) {
    this.routings = routings;
    this.httpRoutes = httpRoutes;
    this.services = services;
    this.rules = rules;
    this.readyPods = readyPods;
    Map<String, List<ServiceEntry>> byName = new HashMap<>();
    services.values().forEach(s -> byName.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(s));
    this.servicesByName = byName;
  }

  static MeshState of(Collection<VirtualService> virtualServices, Collection<DestinationRule> destinationRules,
      Collection<Service> services, Collection<Pod> pods) {
    return of(virtualServices, destinationRules, List.of(), services, pods);
  }

  static MeshState of(Collection<VirtualService> virtualServices, Collection<DestinationRule> destinationRules,
      Collection<io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute> httpRoutes, Collection<Service> services, Collection<Pod> pods) {
    // Istio gives the oldest VirtualService precedence for a host; name breaks ties so the order is stable.
    List<Routing> routings = virtualServices.stream()
        .filter(vs -> vs.getSpec() != null && vs.getSpec().getHosts() != null)
        .sorted(Comparator.comparing((VirtualService vs) -> String.valueOf(vs.getMetadata().getCreationTimestamp()))
            .thenComparing(MeshState::ref))
        .map(MeshState::routing)
        .toList();
    Map<String, ServiceEntry> serviceEntries = new LinkedHashMap<>();
    for (Service service : services) {
      String name = service.getMetadata().getName();
      String namespace = service.getMetadata().getNamespace();
      Map<String, String> selector = service.getSpec() == null || service.getSpec().getSelector() == null
          ? Map.of() : Map.copyOf(service.getSpec().getSelector());
      String fqdn = Hosts.fqdn(name, namespace);
      serviceEntries.put(fqdn, new ServiceEntry(name, namespace, fqdn, selector));
    }
    List<Rule> rules = destinationRules.stream()
        .filter(dr -> dr.getSpec() != null && dr.getSpec().getHost() != null)
        .map(MeshState::rule)
        .toList();
    Map<String, List<Member>> ready = new HashMap<>();
    for (Pod pod : pods) {
      if (Workloads.ready(pod)) {
        Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of()
            : Map.copyOf(pod.getMetadata().getLabels());
        ready.computeIfAbsent(pod.getMetadata().getNamespace(), n -> new ArrayList<>())
            .add(new Member(labels, Workloads.endpoint(pod)));
      }
    }
    // Pods in name order, so that a seeded pick is reproducible whatever order the informer listed them in.
    ready.values().forEach(list -> list.sort(Comparator.comparing(m -> m.endpoint().pod())));
    // Gateway API breaks ties between routes by age, then by namespace/name: the same order as VirtualServices.
    List<AttachedRoute> attached = httpRoutes.stream()
        .filter(route -> route.getSpec() != null)
        .sorted(Comparator.comparing((io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute route) -> String.valueOf(route.getMetadata().getCreationTimestamp()))
            .thenComparing(MeshState::ref))
        .map(MeshState::attachedRoute)
        .toList();
    return new MeshState(routings, attached, Map.copyOf(serviceEntries), rules, Map.copyOf(ready));
  }

  private static AttachedRoute attachedRoute(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute route) {
    String namespace = route.getMetadata().getNamespace();
    List<String> services = new ArrayList<>();
    List<String> gateways = new ArrayList<>();
    for (ParentReference parent : route.getSpec().getParentRefs() == null ? List.<ParentReference>of()
        : route.getSpec().getParentRefs()) {
      String parentNamespace = parent.getNamespace() == null || parent.getNamespace().isEmpty()
          ? namespace : parent.getNamespace();
      boolean core = parent.getGroup() == null || parent.getGroup().isEmpty();
      if (core && "Service".equals(parent.getKind())) {
        services.add(Hosts.fqdn(parent.getName(), parentNamespace));
      } else if ((parent.getKind() == null || "Gateway".equals(parent.getKind()))
          && (parent.getGroup() == null || "gateway.networking.k8s.io".equals(parent.getGroup()))) {
        gateways.add(parentNamespace + "/" + parent.getName());
      }
    }
    List<String> hostnames = route.getSpec().getHostnames() == null ? List.of()
        : route.getSpec().getHostnames().stream().map(h -> h.toLowerCase(java.util.Locale.ROOT)).toList();
    List<HTTPRouteRule> rules = route.getSpec().getRules() == null ? List.of() : List.copyOf(route.getSpec().getRules());
    String created = route.getMetadata().getCreationTimestamp() == null ? ""
        : route.getMetadata().getCreationTimestamp();
    return new AttachedRoute(ref(route), namespace, created, List.copyOf(services), List.copyOf(gateways), hostnames,
        rules);
  }

  private static String ref(HasMetadata object) {
    return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }

  private static Routing routing(VirtualService vs) {
    String namespace = vs.getMetadata().getNamespace();
    List<String> hosts = vs.getSpec().getHosts().stream().map(h -> Hosts.resolve(h, namespace)).toList();
    List<String> gateways = vs.getSpec().getGateways() == null ? List.of() : List.copyOf(vs.getSpec().getGateways());
    List<HTTPRoute> http = vs.getSpec().getHttp() == null ? List.of() : List.copyOf(vs.getSpec().getHttp());
    return new Routing(ref(vs), namespace, hosts, gateways, http);
  }

  private static Rule rule(DestinationRule dr) {
    String namespace = dr.getMetadata().getNamespace();
    Map<String, Map<String, String>> subsets = new LinkedHashMap<>();
    if (dr.getSpec().getSubsets() != null) {
      for (Subset subset : dr.getSpec().getSubsets()) {
        if (subset.getName() != null) {
          subsets.put(subset.getName(), subset.getLabels() == null ? Map.of() : Map.copyOf(subset.getLabels()));
        }
      }
    }
    return new Rule(namespace, Hosts.resolve(dr.getSpec().getHost(), namespace), subsets);
  }

  /** HTTPRoutes, oldest first. */
  List<AttachedRoute> httpRoutes() {
    return httpRoutes;
  }

  /** VirtualServices in precedence order. */
  List<Routing> routings() {
    return routings;
  }

  ServiceEntry service(String fqdn) {
    return services.get(fqdn);
  }

  /** The one Service of this short name in the whole cluster; null when none or several. */
  ServiceEntry uniqueService(String name) {
    List<ServiceEntry> named = servicesByName.get(name);
    return named != null && named.size() == 1 ? named.get(0) : null;
  }

  /**
   * The DestinationRule for {@code host}, as Istio looks it up: one in the client's namespace (here: the
   * routing VirtualService's) before one in the Service's namespace, and within those an exact host before a
   * wildcard.
   */
  Rule rule(String host, String clientNamespace, String serviceNamespace) {
    Rule best = null;
    int bestScore = -1;
    for (Rule rule : rules) {
      if (!Hosts.covers(rule.host(), host)) {
        continue;
      }
      int score = (rule.namespace().equals(clientNamespace) ? 4 : rule.namespace().equals(serviceNamespace) ? 2 : 0)
          + (rule.host().equals(host) ? 1 : 0);
      if (score > bestScore) {
        best = rule;
        bestScore = score;
      }
    }
    return best;
  }

  /** Ready pods of the Service whose labels also carry every label of {@code subset} (may be empty). */
  List<Endpoint> endpoints(ServiceEntry service, Map<String, String> subset) {
    if (service.selector().isEmpty()) {
      return List.of();
    }
    List<Endpoint> endpoints = new ArrayList<>();
    for (Member member : readyPods.getOrDefault(service.namespace(), List.of())) {
      if (carries(member.labels(), service.selector()) && carries(member.labels(), subset)) {
        endpoints.add(member.endpoint());
      }
    }
    return endpoints;
  }

  private static boolean carries(Map<String, String> labels, Map<String, String> wanted) {
    for (Map.Entry<String, String> label : wanted.entrySet()) {
      if (!label.getValue().equals(labels.get(label.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
