package io.keelson.release.istio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.DestinationRuleList;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceList;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.keelson.release.api.MatchType;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicySpec;
import io.keelson.release.api.ServiceSpec;
import io.keelson.release.api.Steps;
import io.keelson.release.api.TargetRef;
import io.keelson.release.api.TestRoute;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.Routes;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Istio router against a real API server: the routing objects' content at every phase of a release. */
@ControlPlaneTest(crds = {"crds/istio-networking.yaml", "crds/releasepolicies.keelson.io.yaml"})
class IstioRouterIT {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String NAME = "keelson-checkout";

  @Test
  void aReleaseThatSucceedsRoutesEveryPhaseAsDesigned(KubernetesClient client, TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns);
    IstioRouter router = new IstioRouter(client);

    List<Routes> phases = List.of(
        new Routes(0, false),    // Deploying: the canary runs with no traffic
        new Routes(0, true),     // Testing: only test-header requests reach the canary
        new Routes(10, true),    // Progressing, step by step
        new Routes(50, true),
        new Routes(100, true),   // Promoting: the canary keeps its weight while stable rolls
        new Routes(0, false));   // Succeeded: all traffic to the new stable, test route gone
    for (Routes routes : phases) {
      router.reconcile(policy, routes);

      assertRouted(client, ns, routes);
      assertThat(router.current(policy)).as("read back %s", routes).contains(routes);
    }
  }

  @Test
  void aRollbackSendsEverythingToStableAndRemovesTheTestRoute(KubernetesClient client, TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns);
    IstioRouter router = new IstioRouter(client);
    router.reconcile(policy, new Routes(50, true));
    assertRouted(client, ns, new Routes(50, true));

    router.reconcile(policy, Routes.STABLE);

    assertRouted(client, ns, Routes.STABLE);
    assertThat(router.current(policy)).contains(Routes.STABLE);
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
  void deletedRoutingObjectsAreRecreatedByTheNextReconcile(KubernetesClient client, TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns);
    IstioRouter router = new IstioRouter(client);
    router.reconcile(policy, new Routes(50, true));

    virtualServices(client, ns).withName(NAME).delete();
    destinationRules(client, ns).withName(NAME).delete();
    assertThat(router.current(policy)).isEmpty();

    router.reconcile(policy, new Routes(50, true));

    assertRouted(client, ns, new Routes(50, true));
    assertThat(router.current(policy)).contains(new Routes(50, true));
  }

  @Test
  void aReconcileWithNothingToChangeWritesNothing(KubernetesClient client, TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns);
    IstioRouter router = new IstioRouter(client);
    router.reconcile(policy, new Routes(10, true));
    String virtualServiceVersion = virtualServices(client, ns).withName(NAME).get().getMetadata()
        .getResourceVersion();
    String destinationRuleVersion = destinationRules(client, ns).withName(NAME).get().getMetadata()
        .getResourceVersion();

    router.reconcile(policy, new Routes(10, true));

    assertThat(virtualServices(client, ns).withName(NAME).get().getMetadata().getResourceVersion())
        .isEqualTo(virtualServiceVersion);
    assertThat(destinationRules(client, ns).withName(NAME).get().getMetadata().getResourceVersion())
        .isEqualTo(destinationRuleVersion);

    router.reconcile(policy, new Routes(20, true));

    assertThat(virtualServices(client, ns).withName(NAME).get().getMetadata().getResourceVersion())
        .isNotEqualTo(virtualServiceVersion);
    assertThat(destinationRules(client, ns).withName(NAME).get().getMetadata().getResourceVersion())
        .isEqualTo(destinationRuleVersion);
  }

  @Test
  void finalizeDeletesBothObjectsAndIsIdempotent(KubernetesClient client, TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns);
    IstioRouter router = new IstioRouter(client);
    router.reconcile(policy, new Routes(10, true));

    router.finalize(policy);
    router.finalize(policy);

    assertThat(virtualServices(client, ns).withName(NAME).get()).isNull();
    assertThat(destinationRules(client, ns).withName(NAME).get()).isNull();
    assertThat(router.current(policy)).isEmpty();
  }

  @Test
  void theRoutingObjectsAreOwnedByThePolicyAndWrittenByTheReleaseController(KubernetesClient client,
      TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns);
    new IstioRouter(client).reconcile(policy, Routes.STABLE);

    List<ObjectMeta> metas = List.of(virtualServices(client, ns).withName(NAME).get().getMetadata(),
        destinationRules(client, ns).withName(NAME).get().getMetadata());
    assertThat(metas).allSatisfy(meta -> {
      assertThat(meta.getLabels()).containsAllEntriesOf(Map.of(
          "app.kubernetes.io/managed-by", "keelson-release-controller", "keelson.io/release", "checkout"));
      assertThat(meta.getOwnerReferences()).singleElement().satisfies(owner -> {
        assertThat(owner.getKind()).isEqualTo(ReleasePolicy.KIND);
        assertThat(owner.getApiVersion()).isEqualTo(ReleasePolicy.API_VERSION);
        assertThat(owner.getName()).isEqualTo("checkout");
        assertThat(owner.getUid()).isEqualTo(policy.uid());
        assertThat(owner.getController()).isTrue();
      });
      assertThat(meta.getManagedFields()).singleElement().satisfies(entry -> {
        assertThat(entry.getManager()).isEqualTo("keelson-release-controller");
        assertThat(entry.getOperation()).isEqualTo("Apply");
      });
    });
  }

  /** Asserts the whole spec of both objects, written out here rather than derived from the design. */
  private static void assertRouted(KubernetesClient client, TestNamespace ns, Routes routes) {
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
    http.add(Map.of(
        "name", "keelson-weighted",
        "route", List.of(destination(stable, 100 - routes.canaryWeight()), destination(canary, routes.canaryWeight())),
        "retries", retries,
        "timeout", "10s"));
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

  private static PolicyRef createPolicy(KubernetesClient client, TestNamespace ns) {
    ReleasePolicySpec spec = new ReleasePolicySpec();
    spec.setTargetRef(new TargetRef("checkout"));
    spec.setService(new ServiceSpec("checkout", "checkout.example.com", 8080, List.of("mesh", "shop-gateway"),
        List.of("checkout.example.org"), new ServiceSpec.Retries(2, "2s", "5xx,reset"), "10s"));
    spec.setTestRoute(new TestRoute("x-canary", new TestRoute.HeaderMatch(MatchType.REGEX, "^(yes|true)$"),
        "2m", null, null));
    spec.setSteps(new Steps(List.of(10, 50), null, null, "1m"));
    ReleasePolicy policy = new ReleasePolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName("checkout").withNamespace(ns.name()).build());
    policy.setSpec(spec);
    ReleasePolicy created = client.resource(policy).create();
    assertThat(created.getMetadata().getUid()).isNotEmpty();
    return PolicyRef.of(created);
  }

  private static NonNamespaceOperation<VirtualService, VirtualServiceList, Resource<VirtualService>>
      virtualServices(KubernetesClient client, TestNamespace ns) {
    return client.adapt(IstioClient.class).v1().virtualServices().inNamespace(ns.name());
  }

  private static NonNamespaceOperation<DestinationRule, DestinationRuleList, Resource<DestinationRule>>
      destinationRules(KubernetesClient client, TestNamespace ns) {
    return client.adapt(IstioClient.class).v1().destinationRules().inNamespace(ns.name());
  }

  private static JsonNode json(Object object) {
    try {
      return MAPPER.readTree(MAPPER.writeValueAsString(object));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
