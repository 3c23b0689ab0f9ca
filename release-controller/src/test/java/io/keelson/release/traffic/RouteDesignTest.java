package io.keelson.release.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.istio.api.api.meta.v1alpha1.IstioStatus;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteDestination;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.keelson.release.api.MatchType;
import io.keelson.release.api.ServiceSpec;
import io.keelson.release.api.TestRoute;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouteDesignTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String STABLE = "checkout.shop.svc.cluster.local";
  private static final String CANARY = "checkout-canary.shop.svc.cluster.local";

  static PolicyRef policy(ServiceSpec service, TestRoute testRoute) {
    return new PolicyRef("shop", "checkout-release", "0f6c1e2a-5b7d-4c8e-9a10-1b2c3d4e5f60", service, testRoute);
  }

  static PolicyRef policy() {
    return policy(new ServiceSpec("checkout", null, 8080, null, null, null, null), header(MatchType.EXACT, "yes"));
  }

  static TestRoute header(MatchType type, String value) {
    return new TestRoute("x-canary", new TestRoute.HeaderMatch(type, value), "2m", null, null);
  }

  @ParameterizedTest(name = "canary weight {0}")
  @ValueSource(ints = {0, 10, 50, 100})
  void theDefaultRouteSplitsBetweenStableAndCanaryByWeight(int weight) {
    VirtualService virtualService = RouteDesign.virtualService(policy(), new Routes(weight, false));

    assertThat(virtualService.getSpec().getHttp()).hasSize(1);
    HTTPRoute route = virtualService.getSpec().getHttp().get(0);
    assertThat(route.getName()).isEqualTo(RouteDesign.WEIGHTED_ROUTE);
    assertThat(route.getMatch()).isNullOrEmpty();
    assertThat(route.getRoute()).extracting(d -> d.getDestination().getHost(), d -> d.getDestination().getPort()
            .getNumber(), HTTPRouteDestination::getWeight)
        .containsExactly(
            tuple(STABLE, 8080L, 100 - weight),
            tuple(CANARY, 8080L, weight));
    assertThat(RouteDesign.routesOf(policy(), virtualService)).isEqualTo(new Routes(weight, false));
  }

  static Stream<Arguments> headerMatches() {
    return Stream.of(
        Arguments.of(MatchType.EXACT, "yes", "exact"),
        Arguments.of(MatchType.PREFIX, "tester-", "prefix"),
        Arguments.of(MatchType.REGEX, "^(yes|true)$", "regex"));
  }

  @ParameterizedTest(name = "{0} match")
  @MethodSource("headerMatches")
  void theTestRouteComesFirstAndSendsMatchingRequestsToTheCanary(MatchType type, String value, String wireKey) {
    PolicyRef policy = policy(policy().service(), header(type, value));

    VirtualService virtualService = RouteDesign.virtualService(policy, new Routes(10, true));

    JsonNode http = json(virtualService).path("spec").path("http");
    assertThat(http).hasSize(2);
    JsonNode test = http.get(0);
    assertThat(test.path("name").asText()).isEqualTo(RouteDesign.TEST_ROUTE);
    assertThat(test.path("match")).hasSize(1);
    assertThat(test.path("match").get(0).path("headers"))
        .isEqualTo(json(Map.of("x-canary", Map.of(wireKey, value))));
    assertThat(test.path("route")).isEqualTo(json(List.of(
        Map.of("destination", Map.of("host", CANARY, "port", Map.of("number", 8080)), "weight", 100))));
    assertThat(http.get(1).path("name").asText()).isEqualTo(RouteDesign.WEIGHTED_ROUTE);
    assertThat(RouteDesign.routesOf(policy, virtualService)).isEqualTo(new Routes(10, true));
  }

  @Test
  void theTestHeaderIsMatchedInLowerCase() {
    PolicyRef policy = policy(policy().service(), new TestRoute("X-Canary",
        new TestRoute.HeaderMatch(MatchType.EXACT, "Yes"), null, null, null));

    VirtualService virtualService = RouteDesign.virtualService(policy, new Routes(0, true));

    assertThat(json(virtualService).path("spec").path("http").get(0).path("match").get(0).path("headers"))
        .isEqualTo(json(Map.of("x-canary", Map.of("exact", "Yes"))));
    assertThat(RouteDesign.routesOf(policy, virtualService)).isEqualTo(new Routes(0, true));
  }

  @Test
  void whileMirroringTheDefaultRouteCopiesItsShareToTheCanaryAndTheTestRouteCopiesNothing() {
    VirtualService virtualService = RouteDesign.virtualService(policy(), new Routes(0, true, 40));

    JsonNode http = json(virtualService).path("spec").path("http");
    assertThat(http.get(0).has("mirror")).as("test requests are not copied").isFalse();
    assertThat(http.get(1).path("mirror")).isEqualTo(json(Map.of("host", CANARY, "port", Map.of("number", 8080))));
    assertThat(http.get(1).path("mirrorPercentage").path("value").asDouble()).isEqualTo(40.0);
    assertThat(RouteDesign.routesOf(policy(), virtualService)).isEqualTo(new Routes(0, true, 40));
    assertThat(json(RouteDesign.virtualService(policy(), new Routes(10, true))).path("spec").path("http").get(1)
        .has("mirror")).as("no mirror outside the phase").isFalse();
  }

  @Test
  void aMirrorWithoutPercentageCopiesEverythingAsIstioDefaults() {
    VirtualService virtualService = RouteDesign.virtualService(policy(), new Routes(0, false, 40));
    virtualService.getSpec().getHttp().get(0).setMirrorPercentage(null);
    assertThat(RouteDesign.routesOf(policy(), virtualService)).isEqualTo(new Routes(0, false, 100));
    virtualService.getSpec().getHttp().get(0).getMirror().setHost("elsewhere.shop.svc.cluster.local");
    assertThat(RouteDesign.routesOf(policy(), virtualService)).as("a mirror to another host is not the canary's")
        .isEqualTo(new Routes(0, false, 0));
  }

  @Test
  void aTestRouteIsRefusedWhenThePolicyDefinesNone() {
    PolicyRef policy = policy(policy().service(), null);

    assertThatThrownBy(() -> RouteDesign.virtualService(policy, new Routes(0, true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shop/checkout-release").hasMessageContaining("no test route");
    assertThat(RouteDesign.virtualService(policy, new Routes(20, false)).getSpec().getHttp()).hasSize(1);
  }

  @Test
  void weightsOutside0To100AreRefused() {
    assertThatThrownBy(() -> new Routes(-1, false)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Routes(101, false)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Routes(0, false, 101)).isInstanceOf(IllegalArgumentException.class);
  }

  static Stream<Arguments> hostsAndGateways() {
    return Stream.of(
        Arguments.of(new ServiceSpec("checkout", null, 8080, null, null, null, null),
            List.of(STABLE), List.of("mesh")),
        Arguments.of(new ServiceSpec("checkout", "checkout.example.com", 8080, List.of("shop/public", "mesh"),
                List.of("checkout.example.org", "checkout.example.com"), null, null),
            List.of("checkout.example.com", "checkout.example.org"), List.of("shop/public", "mesh")),
        Arguments.of(new ServiceSpec("checkout", null, 9090, List.of(), List.of("shop.example.com"), null, null),
            List.of(STABLE, "shop.example.com"), List.of("mesh")));
  }

  @ParameterizedTest
  @MethodSource("hostsAndGateways")
  void hostsAreThePolicyHostThenTheExtraHostsAndGatewaysPassThrough(ServiceSpec service, List<String> hosts,
      List<String> gateways) {
    VirtualService virtualService = RouteDesign.virtualService(policy(service, null), new Routes(0, false));

    assertThat(virtualService.getSpec().getHosts()).containsExactlyElementsOf(hosts);
    assertThat(virtualService.getSpec().getGateways()).isEqualTo(gateways);
    assertThat(virtualService.getSpec().getHttp().get(0).getRoute())
        .allSatisfy(d -> assertThat(d.getDestination().getPort().getNumber()).isEqualTo(service.port().longValue()));
  }

  @Test
  void retriesAndTimeoutPassThroughToEveryRoute() {
    PolicyRef policy = policy(new ServiceSpec("checkout", null, 8080, null, null,
        new ServiceSpec.Retries(3, "2s", "5xx,reset"), "10s"), header(MatchType.EXACT, "yes"));

    VirtualService virtualService = RouteDesign.virtualService(policy, new Routes(50, true));

    assertThat(virtualService.getSpec().getHttp()).hasSize(2).allSatisfy(route -> {
      assertThat(route.getTimeout()).isEqualTo("10s");
      assertThat(route.getRetries().getAttempts()).isEqualTo(3);
      assertThat(route.getRetries().getPerTryTimeout()).isEqualTo("2s");
      assertThat(route.getRetries().getRetryOn()).isEqualTo("5xx,reset");
    });
  }

  @Test
  void withoutRetriesAndTimeoutTheRoutesSetNone() {
    JsonNode route = json(RouteDesign.virtualService(policy(), new Routes(50, false)))
        .path("spec").path("http").get(0);

    assertThat(route.has("retries")).isFalse();
    assertThat(route.has("timeout")).isFalse();
  }

  @Test
  void bothObjectsAreNamedLabelledAndOwnedByThePolicy() {
    VirtualService virtualService = RouteDesign.virtualService(policy(), new Routes(0, false));
    DestinationRule destinationRule = RouteDesign.destinationRule(policy());

    Stream.of(virtualService.getMetadata(), destinationRule.getMetadata()).forEach(meta -> {
      assertThat(meta.getName()).isEqualTo("keelson-checkout-release");
      assertThat(meta.getNamespace()).isEqualTo("shop");
      assertThat(meta.getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
          "app.kubernetes.io/managed-by", "keelson-release-controller", "keelson.io/release", "checkout-release"));
      assertThat(meta.getOwnerReferences()).singleElement().satisfies(owner -> {
        assertThat(owner.getApiVersion()).isEqualTo("keelson.io/v1alpha1");
        assertThat(owner.getKind()).isEqualTo("ReleasePolicy");
        assertThat(owner.getName()).isEqualTo("checkout-release");
        assertThat(owner.getUid()).isEqualTo("0f6c1e2a-5b7d-4c8e-9a10-1b2c3d4e5f60");
        assertThat(owner.getController()).isTrue();
      });
    });
    assertThat(destinationRule.getSpec().getHost()).isEqualTo(CANARY);
  }

  @Test
  void withoutAUidThereIsNoOwnerReference() {
    PolicyRef policy = new PolicyRef("shop", "checkout-release", null, policy().service(), null);

    assertThat(RouteDesign.virtualService(policy, Routes.STABLE).getMetadata().getOwnerReferences()).isEmpty();
    assertThat(RouteDesign.destinationRule(policy).getMetadata().getOwnerReferences()).isEmpty();
  }

  @Test
  void routesAreReadAsTheMeshReadsThem() {
    VirtualService virtualService = RouteDesign.virtualService(policy(), new Routes(30, true));
    List<HTTPRoute> http = virtualService.getSpec().getHttp();

    http.get(0).getMatch().get(0).getHeaders().put("x-other", http.get(0).getMatch().get(0).getHeaders()
        .remove("x-canary"));
    assertThat(RouteDesign.routesOf(policy(), virtualService)).isEqualTo(new Routes(30, false));

    http.get(1).setRoute(List.of(http.get(1).getRoute().get(1)));
    http.get(1).getRoute().get(0).setWeight(null);
    assertThat(RouteDesign.routesOf(policy(), virtualService)).isEqualTo(new Routes(100, false));

    http.remove(1);
    assertThat(RouteDesign.routesOf(policy(), virtualService)).isEqualTo(new Routes(0, false));
  }

  @Test
  void planWritesWhatDoesNotExist() {
    VirtualService desired = RouteDesign.virtualService(policy(), Routes.STABLE);

    assertThat(RouteDesign.plan(null, desired)).isEqualTo(new Reconciled<>(desired, true));
  }

  @Test
  void planIgnoresWhatTheServerAndOthersAdd() throws Exception {
    VirtualService desired = RouteDesign.virtualService(policy(), new Routes(10, true));
    VirtualService live = asRead(desired);
    live.getMetadata().setResourceVersion("4711");
    live.getMetadata().setUid("5e0b7c9d-0000-4000-8000-000000000001");
    live.getMetadata().setGeneration(3L);
    live.getMetadata().setCreationTimestamp("2026-11-22T03:00:00Z");
    live.getMetadata().getLabels().put("team", "payments");
    live.getMetadata().setAnnotations(Map.of("note", "added by hand"));
    live.getMetadata().getOwnerReferences().add(new OwnerReference("v1", true, false, "ConfigMap", "other",
        "5e0b7c9d-0000-4000-8000-000000000002"));
    live.getMetadata().setManagedFields(List.of(new ManagedFieldsEntry(
        "networking.istio.io/v1", "FieldsV1", null, RouteDesign.MANAGER, "Apply", null, "2026-11-22T03:00:00Z")));
    live.getSpec().setExportTo(List.of("."));
    live.setStatus(new IstioStatus());
    live.getStatus().setObservedGeneration(3L);

    Reconciled<VirtualService> plan = RouteDesign.plan(live, desired);

    assertThat(plan.modified()).isFalse();
    assertThat(plan.desired()).isSameAs(desired);
    DestinationRule rule = RouteDesign.destinationRule(policy());
    assertThat(RouteDesign.plan(asRead(rule), rule).modified()).isFalse();
  }

  @Test
  void planWritesWhenAnOwnedFieldDrifted() throws Exception {
    VirtualService desired = RouteDesign.virtualService(policy(), new Routes(10, true));
    Map<String, Consumer<VirtualService>> drifts = new LinkedHashMap<>();
    drifts.put("canary weight", vs -> vs.getSpec().getHttp().get(1).getRoute().get(1).setWeight(50));
    drifts.put("stable weight", vs -> vs.getSpec().getHttp().get(1).getRoute().get(0).setWeight(0));
    drifts.put("test route removed", vs -> vs.getSpec().getHttp().remove(0));
    drifts.put("route timeout added", vs -> vs.getSpec().getHttp().get(1).setTimeout("1s"));
    drifts.put("host removed", vs -> vs.getSpec().setHosts(List.of()));
    drifts.put("gateway added", vs -> vs.getSpec().setGateways(List.of("mesh", "shop/public")));
    drifts.put("release label changed", vs -> vs.getMetadata().getLabels().put("keelson.io/release", "other"));
    drifts.put("managed-by label removed", vs -> vs.getMetadata().getLabels().remove("app.kubernetes.io/managed-by"));
    drifts.put("owner removed", vs -> vs.getMetadata().setOwnerReferences(List.of()));
    drifts.put("no spec", vs -> vs.setSpec(null));

    for (Map.Entry<String, Consumer<VirtualService>> drift : drifts.entrySet()) {
      VirtualService live = asRead(desired);
      drift.getValue().accept(live);
      assertThat(RouteDesign.plan(live, desired).modified()).as(drift.getKey()).isTrue();
    }
    DestinationRule rule = RouteDesign.destinationRule(policy());
    DestinationRule liveRule = asRead(rule);
    liveRule.getSpec().setHost(STABLE);
    assertThat(RouteDesign.plan(liveRule, rule).modified()).isTrue();
  }

  /** The object as JSON on the wire, numbers read back as the smallest type that holds them. */
  private static JsonNode json(Object object) {
    try {
      return MAPPER.readTree(MAPPER.writeValueAsString(object));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The object as the client hands it back: serialized to JSON and read into the typed model again. */
  @SuppressWarnings("unchecked")
  private static <T> T asRead(T object) throws Exception {
    return (T) MAPPER.readValue(MAPPER.writeValueAsString(object), object.getClass());
  }
}
