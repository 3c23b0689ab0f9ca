package io.keelson.release.gatewayapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.keelson.release.api.MatchType;
import io.keelson.release.api.RouterKind;
import io.keelson.release.api.ServiceSpec;
import io.keelson.release.api.TestRoute;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.Routes;
import io.keelson.release.traffic.TrafficRouter;
import io.keelson.release.traffic.TrafficRouterContract;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Gateway API router against a real API server with the Gateway API's own CRDs (standard channel, with
 * their schema, defaults and validation rules): the HTTPRoute's content at every phase of a release.
 */
@ControlPlaneTest(crds = "crds/releasepolicies.keelson.io.yaml", gatewayApi = true)
class GatewayApiRouterIT extends TrafficRouterContract {

  private static final String NAME = "keelson-checkout";

  @Override
  protected TrafficRouter router(KubernetesClient client) {
    return new GatewayApiRouter(client);
  }

  @Override
  protected PolicyRef createPolicy(KubernetesClient client, TestNamespace ns) {
    return createPolicy(client, ns, RouterKind.GATEWAY_API, new ServiceSpec("checkout", "checkout.example.com", 8080,
            List.of("mesh", "shop-gateway", "edge/public"), List.of("checkout.example.org"),
            new ServiceSpec.Retries(null, "2s", null), "10s"),
        new TestRoute("x-canary", new TestRoute.HeaderMatch(MatchType.REGEX, "^(yes|true)$"), "2m", null, null));
  }

  @Override
  protected List<ObjectMeta> metadata(KubernetesClient client, TestNamespace ns) {
    HTTPRoute live = route(client, ns).get();
    return Arrays.asList(live == null ? null : live.getMetadata());
  }

  @Override
  protected void deleteByHand(KubernetesClient client, TestNamespace ns) {
    route(client, ns).delete();
  }

  @Test
  void aHandEditedWeightIsReadAsTheDataPlaneReadsItAndReasserted(KubernetesClient client, TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns);
    GatewayApiRouter router = new GatewayApiRouter(client);
    router.reconcile(policy, new Routes(10, false));

    // Weights are proportions in Gateway API: 1 to 3 is 75% canary.
    route(client, ns).edit(route -> {
      var backends = route.getSpec().getRules().get(0).getBackendRefs();
      backends.get(0).setWeight(1);
      backends.get(1).setWeight(3);
      return route;
    });
    assertThat(router.current(policy)).contains(new Routes(75, false));
    assertThat(route(client, ns).get().getMetadata().getManagedFields())
        .extracting(ManagedFieldsEntry::getManager).hasSizeGreaterThan(1);

    router.reconcile(policy, new Routes(10, false));

    assertRouted(client, ns, new Routes(10, false));
    assertThat(router.current(policy)).contains(new Routes(10, false));
  }

  @Test
  void aMeshOnlyPolicyAttachesToItsServiceWithoutHostnames(KubernetesClient client, TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns, RouterKind.GATEWAY_API,
        new ServiceSpec("checkout", null, 8080, null, null, null, null),
        new TestRoute("X-Canary", new TestRoute.HeaderMatch(MatchType.PREFIX, "v2."), "2m", null, null));
    GatewayApiRouter router = new GatewayApiRouter(client);
    router.reconcile(policy, new Routes(0, true));
    String version = route(client, ns).get().getMetadata().getResourceVersion();

    router.reconcile(policy, new Routes(0, true));

    HTTPRoute live = route(client, ns).get();
    assertThat(live.getMetadata().getResourceVersion()).as("no write").isEqualTo(version);
    assertThat(json(live.getSpec().getParentRefs()))
        .isEqualTo(json(List.of(Map.of("group", "", "kind", "Service", "name", "checkout"))));
    assertThat(live.getSpec().getHostnames()).isNullOrEmpty();
    assertThat(json(live.getSpec().getRules().get(0).getMatches())).isEqualTo(json(List.of(Map.of(
        "path", Map.of("type", "PathPrefix", "value", "/"),
        "headers", List.of(Map.of("name", "x-canary", "type", "RegularExpression", "value", "v2\\..*"))))));
    assertThat(router.current(policy)).contains(new Routes(0, true));
  }

  @Override
  protected void assertRouted(KubernetesClient client, TestNamespace ns, Routes routes) {
    Map<String, Object> timeouts = Map.of("request", "10s", "backendRequest", "2s");
    Map<String, Object> everyPath = Map.of("type", "PathPrefix", "value", "/");
    List<Object> rules = new ArrayList<>();
    if (routes.testRoute()) {
      rules.add(Map.of(
          "name", "keelson-test",
          "matches", List.of(Map.of("path", everyPath,
              "headers", List.of(Map.of("name", "x-canary", "type", "RegularExpression", "value", "^(yes|true)$")))),
          "backendRefs", List.of(backend("checkout-canary", 1)),
          "timeouts", timeouts));
    }
    Map<String, Object> weighted = new LinkedHashMap<>(Map.of(
        "name", "keelson-weighted",
        "matches", List.of(Map.of("path", everyPath)),
        "backendRefs", List.of(backend("checkout", 100 - routes.canaryWeight()),
            backend("checkout-canary", routes.canaryWeight())),
        "timeouts", timeouts));
    if (routes.mirrorPercent() > 0) {
      weighted.put("filters", List.of(Map.of("type", "RequestMirror", "requestMirror", Map.of(
          "backendRef", Map.of("group", "", "kind", "Service", "name", "checkout-canary", "port", 8080),
          "percent", routes.mirrorPercent()))));
    }
    rules.add(weighted);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("parentRefs", List.of(
        Map.of("group", "", "kind", "Service", "name", "checkout"),
        Map.of("group", "gateway.networking.k8s.io", "kind", "Gateway", "name", "shop-gateway"),
        Map.of("group", "gateway.networking.k8s.io", "kind", "Gateway", "name", "public", "namespace", "edge")));
    spec.put("hostnames", List.of("checkout.example.com", "checkout.example.org"));
    spec.put("rules", rules);

    assertThat(json(route(client, ns).get().getSpec())).as("HTTPRoute at %s", routes).isEqualTo(json(spec));
  }

  private static Map<String, Object> backend(String service, int weight) {
    return Map.of("group", "", "kind", "Service", "name", service, "port", 8080, "weight", weight);
  }

  private static Resource<HTTPRoute> route(KubernetesClient client, TestNamespace ns) {
    return client.resources(HTTPRoute.class).inNamespace(ns.name()).withName(NAME);
  }
}
