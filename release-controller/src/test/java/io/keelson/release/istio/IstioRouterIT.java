package io.keelson.release.istio;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.DestinationRuleList;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceList;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
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
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Istio router against a real API server: the routing objects' content at every phase of a release. */
@ControlPlaneTest(crds = {"crds/istio-networking.yaml", "crds/releasepolicies.keelson.io.yaml"})
class IstioRouterIT extends TrafficRouterContract {

  private static final String NAME = "keelson-checkout";

  @Override
  protected TrafficRouter router(KubernetesClient client) {
    return new IstioRouter(client);
  }

  @Override
  protected PolicyRef createPolicy(KubernetesClient client, TestNamespace ns) {
    return createPolicy(client, ns, RouterKind.ISTIO, new ServiceSpec("checkout", "checkout.example.com", 8080,
            List.of("mesh", "shop-gateway"), List.of("checkout.example.org"),
            new ServiceSpec.Retries(2, "2s", "5xx,reset"), "10s"),
        new TestRoute("x-canary", new TestRoute.HeaderMatch(MatchType.REGEX, "^(yes|true)$"), "2m", null, null));
  }

  @Override
  protected List<ObjectMeta> metadata(KubernetesClient client, TestNamespace ns) {
    return Arrays.asList(meta(virtualServices(client, ns).withName(NAME).get()),
        meta(destinationRules(client, ns).withName(NAME).get()));
  }

  @Override
  protected void deleteByHand(KubernetesClient client, TestNamespace ns) {
    virtualServices(client, ns).withName(NAME).delete();
    destinationRules(client, ns).withName(NAME).delete();
  }

  @Test
  void aHandEditedWeightIsReassertedByTheNextReconcile(KubernetesClient client, TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns);
    IstioRouter router = new IstioRouter(client);
    router.reconcile(policy, new Routes(10, false));

    virtualServices(client, ns).withName(NAME).edit(virtualService -> {
      var route = virtualService.getSpec().getHttp().get(0).getRoute();
      route.get(0).setWeight(20);
      route.get(1).setWeight(80);
      return virtualService;
    });
    assertThat(router.current(policy)).contains(new Routes(80, false));
    assertThat(virtualServices(client, ns).withName(NAME).get().getMetadata().getManagedFields())
        .extracting(ManagedFieldsEntry::getManager).hasSizeGreaterThan(1);

    router.reconcile(policy, new Routes(10, false));

    assertRouted(client, ns, new Routes(10, false));
    assertThat(router.current(policy)).contains(new Routes(10, false));
  }

  @Test
  void aWeightChangeRewritesTheVirtualServiceAlone(KubernetesClient client, TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns);
    IstioRouter router = new IstioRouter(client);
    router.reconcile(policy, new Routes(10, true));
    String destinationRuleVersion = destinationRules(client, ns).withName(NAME).get().getMetadata()
        .getResourceVersion();

    router.reconcile(policy, new Routes(20, true));

    assertThat(destinationRules(client, ns).withName(NAME).get().getMetadata().getResourceVersion())
        .isEqualTo(destinationRuleVersion);
  }

  @Override
  protected void assertRouted(KubernetesClient client, TestNamespace ns, Routes routes) {
    String stable = "checkout." + ns.name() + ".svc.cluster.local";
    String canary = "checkout-canary." + ns.name() + ".svc.cluster.local";
    Map<String, Object> retries = Map.of("attempts", 2, "perTryTimeout", "2s", "retryOn", "5xx,reset");
    List<Object> http = new ArrayList<>();
    if (routes.testRoute()) {
      http.add(Map.of(
          "name", "keelson-test",
          "match", List.of(Map.of("headers", Map.of("x-canary", Map.of("regex", "^(yes|true)$")))),
          "route", List.of(destination(canary, 100)),
          "retries", retries,
          "timeout", "10s"));
    }
    Map<String, Object> weighted = new LinkedHashMap<>(Map.of(
        "name", "keelson-weighted",
        "route", List.of(destination(stable, 100 - routes.canaryWeight()), destination(canary, routes.canaryWeight())),
        "retries", retries,
        "timeout", "10s"));
    if (routes.mirrorPercent() > 0) {
      weighted.put("mirror", Map.of("host", canary, "port", Map.of("number", 8080)));
      weighted.put("mirrorPercentage", Map.of("value", (double) routes.mirrorPercent()));
    }
    http.add(weighted);
    Map<String, Object> virtualServiceSpec = new LinkedHashMap<>();
    virtualServiceSpec.put("hosts", List.of("checkout.example.com", "checkout.example.org"));
    virtualServiceSpec.put("gateways", List.of("mesh", "shop-gateway"));
    virtualServiceSpec.put("http", http);

    VirtualService virtualService = virtualServices(client, ns).withName(NAME).get();
    DestinationRule destinationRule = destinationRules(client, ns).withName(NAME).get();

    assertThat(json(virtualService.getSpec())).as("VirtualService at %s", routes).isEqualTo(json(virtualServiceSpec));
    assertThat(json(destinationRule.getSpec())).as("DestinationRule at %s", routes)
        .isEqualTo(json(Map.of("host", canary)));
  }

  private static Map<String, Object> destination(String host, int weight) {
    return Map.of("destination", Map.of("host", host, "port", Map.of("number", 8080)), "weight", weight);
  }

  private static ObjectMeta meta(HasMetadata object) {
    return Optional.ofNullable(object).map(HasMetadata::getMetadata).orElse(null);
  }

  private static NonNamespaceOperation<VirtualService, VirtualServiceList, Resource<VirtualService>>
      virtualServices(KubernetesClient client, TestNamespace ns) {
    return client.adapt(IstioClient.class).v1().virtualServices().inNamespace(ns.name());
  }

  private static NonNamespaceOperation<DestinationRule, DestinationRuleList, Resource<DestinationRule>>
      destinationRules(KubernetesClient client, TestNamespace ns) {
    return client.adapt(IstioClient.class).v1().destinationRules().inNamespace(ns.name());
  }
}
