package io.keelson.mesh;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-written cluster content for the pure router: YAML routing objects, plain Services and Pods. */
final class MeshFixture {

  private final List<VirtualService> virtualServices = new ArrayList<>();
  private final List<DestinationRule> destinationRules = new ArrayList<>();
  private final List<HTTPRoute> httpRoutes = new ArrayList<>();
  private final List<Service> services = new ArrayList<>();
  private final List<Pod> pods = new ArrayList<>();

  /** Services cart, cart-v1, cart-v2, cart-v3 in shop, one ready pod per version. */
  static MeshFixture cartVersions() {
    return new MeshFixture()
        .service("shop", "cart", Map.of("app", "cart"))
        .service("shop", "cart-v1", Map.of("app", "cart", "version", "v1"))
        .service("shop", "cart-v2", Map.of("app", "cart", "version", "v2"))
        .service("shop", "cart-v3", Map.of("app", "cart", "version", "v3"))
        .pod("shop", "cart-v1-a", Map.of("app", "cart", "version", "v1"))
        .pod("shop", "cart-v2-a", Map.of("app", "cart", "version", "v2"))
        .pod("shop", "cart-v3-a", Map.of("app", "cart", "version", "v3"));
  }

  /** A release's Services in shop: cart with two v1 pods, cart-canary with one v2 pod. */
  static MeshFixture cartWithCanary() {
    return cartWithCanary(Map.of());
  }

  /** {@link #cartWithCanary()}, the canary's pod answering as {@code canaryBehaviour} (simulator annotations) says. */
  static MeshFixture cartWithCanary(Map<String, String> canaryBehaviour) {
    return new MeshFixture()
        .service("shop", "cart", Map.of("app", "cart"))
        .service("shop", "cart-canary", Map.of("app", "cart-canary"))
        .pod("shop", "cart-a", Map.of("app", "cart", "version", "v1"))
        .pod("shop", "cart-b", Map.of("app", "cart", "version", "v1"))
        .pod("shop", "cart-canary-a", Map.of("app", "cart-canary", "version", "v2"), canaryBehaviour);
  }

  MeshFixture virtualService(String yaml) {
    virtualServices.add(Serialization.unmarshal(yaml, VirtualService.class));
    return this;
  }

  MeshFixture virtualService(VirtualService virtualService) {
    virtualServices.add(virtualService);
    return this;
  }

  MeshFixture destinationRule(String yaml) {
    destinationRules.add(Serialization.unmarshal(yaml, DestinationRule.class));
    return this;
  }

  MeshFixture httpRoute(String yaml) {
    httpRoutes.add(Serialization.unmarshal(yaml, HTTPRoute.class));
    return this;
  }

  MeshFixture httpRoute(HTTPRoute route) {
    httpRoutes.add(route);
    return this;
  }

  MeshFixture service(String namespace, String name, Map<String, String> selector) {
    services.add(new ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withNewSpec().withSelector(selector).endSpec().build());
    return this;
  }

  /** A Running, Ready pod. */
  MeshFixture pod(String namespace, String name, Map<String, String> labels) {
    return pod(namespace, name, labels, Map.of());
  }

  MeshFixture pod(String namespace, String name, Map<String, String> labels, Map<String, String> annotations) {
    pods.add(pod(namespace, name, labels, annotations, "Running", "True"));
    return this;
  }

  MeshFixture pod(Pod pod) {
    pods.add(pod);
    return this;
  }

  static Pod pod(String namespace, String name, Map<String, String> labels, Map<String, String> annotations,
      String phase, String ready) {
    return new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels)
        .withAnnotations(annotations).endMetadata()
        .withNewStatus().withPhase(phase).addNewCondition().withType("Ready").withStatus(ready).endCondition()
        .endStatus().build();
  }

  MeshState state() {
    return MeshState.of(virtualServices, destinationRules, httpRoutes, services, pods);
  }
}
