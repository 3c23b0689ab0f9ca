package io.keelson.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouterTest {

  private static final String CART = "cart.shop.svc.cluster.local";

  private final Random random = new Random(42);

  /** The VirtualService {@code cart} of namespace shop, for host {@code cart}, with these HTTP routes. */
  private static String cartRoutes(String http) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: cart, namespace: shop}
        spec:
          hosts: [cart]
          http:
        """ + http;
  }

  private RouteDecision route(MeshState state, String host, Map<String, String> headers) {
    return Router.route(state, new MeshRequest(host, "/", headers, null), random);
  }

  private RouteDecision route(MeshState state, String host, String path) {
    return Router.route(state, new MeshRequest(host, path, Map.of(), null), random);
  }

  @Test
  void theFirstMatchingRouteWinsAndALaterBroaderRouteDoesNotSteal() {
    MeshState state = MeshFixture.cartVersions().virtualService(cartRoutes("""
            - name: alice
              match: [{headers: {x-user: {exact: alice}}}]
              route: [{destination: {host: cart-v2}}]
            - name: api
              match: [{uri: {prefix: /api}}]
              route: [{destination: {host: cart-v3}}]
            - name: rest
              route: [{destination: {host: cart-v1}}]
        """)).state();

    RouteDecision alice = route(state, CART, Map.of("x-user", "alice"));
    assertThat(alice.virtualService()).isEqualTo("shop/cart");
    assertThat(alice.routeIndex()).isZero();
    assertThat(alice.routeName()).isEqualTo("alice");
    assertThat(alice.endpoint().version()).isEqualTo("v2");

    RouteDecision api = route(state, CART, "/api/items?x=1");
    assertThat(api.routeIndex()).isEqualTo(1);
    assertThat(api.destinationService()).isEqualTo("cart-v3.shop.svc.cluster.local");

    RouteDecision rest = route(state, CART, Map.of("x-user", "bob"));
    assertThat(rest.routeIndex()).isEqualTo(2);
    assertThat(rest.endpoint().pod()).isEqualTo("cart-v1-a");
  }

  @ParameterizedTest(name = "{0} {1} vs {2} → {3}")
  @CsvSource({
      "exact,  alice,  alice,   true",
      "exact,  alice,  alice2,  false",
      "exact,  alice,  Alice,   false",
      "prefix, tester-, tester-7, true",
      "prefix, tester-, tester,   false",
      "regex,  'a',    a,       true",
      "regex,  'a',    ab,      false",
      "regex,  '^(yes|true)$', true, true",
      "regex,  'v[0-9]+', v12,  true",
      "regex,  'v[0-9]+', xv12, false",
  })
  void headerConditionsMatchExactlyByPrefixOrByWholeRegex(String type, String value, String sent, boolean hit) {
    MeshState state = MeshFixture.cartVersions().virtualService(cartRoutes("""
            - match: [{headers: {x-user: {%s: "%s"}}}]
              route: [{destination: {host: cart-v2}}]
            - route: [{destination: {host: cart-v1}}]
        """.formatted(type, value))).state();

    RouteDecision decision = route(state, CART, Map.of("x-user", sent));

    assertThat(decision.routeIndex()).isEqualTo(hit ? 0 : 1);
  }

  @Test
  void headerNamesAreCaseInsensitiveAndWithoutHeadersExcludes() {
    MeshState state = MeshFixture.cartVersions().virtualService(cartRoutes("""
            - match: [{headers: {x-canary: {exact: "yes"}}, withoutHeaders: {x-opt-out: {}}}]
              route: [{destination: {host: cart-v2}}]
            - route: [{destination: {host: cart-v1}}]
        """)).state();

    assertThat(route(state, CART, Map.of("X-Canary", "yes")).routeIndex()).isZero();
    assertThat(route(state, CART, Map.of("X-CANARY", "yes", "X-Opt-Out", "1")).routeIndex()).isEqualTo(1);
    assertThat(route(state, CART, Map.of("X-Canary", "no")).routeIndex()).isEqualTo(1);
  }

  @Test
  void uriMatchesByPrefixExactlyOrIgnoringCaseAndMatchesAreOred() {
    MeshState state = MeshFixture.cartVersions().virtualService(cartRoutes("""
            - match: [{uri: {exact: /health}}, {uri: {prefix: /Admin}, ignoreUriCase: true}]
              route: [{destination: {host: cart-v3}}]
            - match: [{uri: {prefix: /api/}, headers: {x-user: {exact: alice}}}]
              route: [{destination: {host: cart-v2}}]
            - route: [{destination: {host: cart-v1}}]
        """)).state();

    assertThat(route(state, CART, "/health").routeIndex()).isZero();
    assertThat(route(state, CART, "/health/deep").routeIndex()).isEqualTo(2);
    assertThat(route(state, CART, "/admin/users").routeIndex()).isZero();
    // The conditions of one match are ANDed: the prefix alone is not enough.
    assertThat(route(state, CART, "/api/items").routeIndex()).isEqualTo(2);
    assertThat(Router.route(state, new MeshRequest(CART, "/api/items", Map.of("x-user", "alice"), null), random)
        .routeIndex()).isEqualTo(1);
  }

  @Test
  void weightsSplitTrafficAndAZeroWeightIsNeverChosen() {
    MeshState state = MeshFixture.cartVersions().virtualService(cartRoutes("""
            - route:
                - {destination: {host: cart-v1}, weight: 80}
                - {destination: {host: cart-v2}, weight: 20}
                - {destination: {host: cart-v3}, weight: 0}
        """)).state();

    Map<String, Integer> counts = new HashMap<>();
    int picks = 20_000;
    for (int i = 0; i < picks; i++) {
      counts.merge(route(state, CART, Map.of()).endpoint().version(), 1, Integer::sum);
    }

    assertThat(counts.get("v1") / (double) picks).isCloseTo(0.80, within(0.015));
    assertThat(counts.get("v2") / (double) picks).isCloseTo(0.20, within(0.015));
    assertThat(counts).doesNotContainKey("v3");
  }

  @Test
  void aSubsetFiltersTheServicesPodsByTheDestinationRulesLabels() {
    MeshState state = MeshFixture.cartVersions().virtualService(cartRoutes("""
            - match: [{headers: {x-user: {exact: alice}}}]
              route: [{destination: {host: cart, subset: v2}}]
            - match: [{headers: {x-user: {exact: bob}}}]
              route: [{destination: {host: cart, subset: v9}}]
            - route: [{destination: {host: cart, subset: v1}}]
        """)).destinationRule("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: cart, namespace: shop}
        spec:
          host: cart
          subsets:
            - {name: v1, labels: {version: v1}}
            - {name: v2, labels: {version: v2}}
        """).state();

    for (int i = 0; i < 50; i++) {
      assertThat(route(state, CART, Map.of()).endpoint().pod()).isEqualTo("cart-v1-a");
      RouteDecision alice = route(state, CART, Map.of("x-user", "alice"));
      assertThat(alice.endpoint().pod()).isEqualTo("cart-v2-a");
      assertThat(alice.subset()).isEqualTo("v2");
    }
    // A subset the DestinationRule does not define: Envoy has no such cluster.
    RouteDecision bob = route(state, CART, Map.of("x-user", "bob"));
    assertThat(bob.responseFlags()).isEqualTo(RouteDecision.NO_CLUSTER);
    assertThat(bob.failureStatus()).isEqualTo(503);
  }

  @Test
  void shortHostsResolveRelativeToTheVirtualServicesNamespace() {
    MeshState state = MeshFixture.cartVersions()
        .service("other", "cart", Map.of("app", "cart"))
        .pod("other", "cart-other", Map.of("app", "cart"))
        .virtualService("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: cart, namespace: shop}
            spec:
              hosts: [cart]
              http: [{route: [{destination: {host: cart-v2}}]}]
            """).state();

    for (String host : new String[] {"cart.shop", "cart.shop.svc", CART, "cart.shop:8080", "CART.shop.svc.cluster.local."}) {
      RouteDecision decision = route(state, host, Map.of());
      assertThat(decision.virtualService()).as(host).isEqualTo("shop/cart");
      assertThat(decision.destinationService()).as(host).isEqualTo("cart-v2.shop.svc.cluster.local");
    }
    RouteDecision fromShop = Router.route(state, new MeshRequest("cart", "/", Map.of(), null, "shop"), random);
    assertThat(fromShop.virtualService()).isEqualTo("shop/cart");
    // The VirtualService's short host means cart in shop, not the cart Service of other.
    RouteDecision fromOther = Router.route(state, new MeshRequest("cart", "/", Map.of(), null, "other"), random);
    assertThat(fromOther.virtualService()).isEqualTo(RouteDecision.NONE);
    assertThat(fromOther.endpoint().pod()).isEqualTo("cart-other");
  }

  @Test
  void extraHostsOfAVirtualServiceMatchLiterally() {
    MeshState state = MeshFixture.cartVersions().virtualService("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: cart, namespace: shop}
        spec:
          hosts: [cart, shop.example.com]
          http: [{route: [{destination: {host: cart-v3}}]}]
        """).state();

    assertThat(route(state, "shop.example.com", Map.of()).endpoint().pod()).isEqualTo("cart-v3-a");
    assertThat(route(state, "shop.example.org", Map.of()).responseFlags()).isEqualTo(RouteDecision.NO_ROUTE);
  }

  @Test
  void withoutAVirtualServiceTrafficGoesStraightToTheServicesReadyEndpoints() {
    MeshState state = MeshFixture.cartVersions().state();

    RouteDecision decision = route(state, "cart-v2.shop", Map.of());

    assertThat(decision.virtualService()).isEqualTo(RouteDecision.NONE);
    assertThat(decision.destinationService()).isEqualTo("cart-v2.shop.svc.cluster.local");
    assertThat(decision.endpoint().pod()).isEqualTo("cart-v2-a");
    assertThat(decision.responseFlags()).isEqualTo(RouteDecision.ROUTED);
    // A unique bare name is found even from a caller of unknown namespace, as a person with curl expects.
    assertThat(route(state, "cart-v3", Map.of()).endpoint().pod()).isEqualTo("cart-v3-a");
  }

  @Test
  void anUnknownHostHasNoRoute() {
    RouteDecision decision = route(MeshFixture.cartVersions().state(), "payments.shop", Map.of());

    assertThat(decision.responseFlags()).isEqualTo("NR");
    assertThat(decision.failureStatus()).isEqualTo(404);
    assertThat(decision.routed()).isFalse();
  }

  @Test
  void aServiceWithoutReadyPodsHasNoHealthyUpstream() {
    Pod terminating = new PodBuilder(MeshFixture.pod("shop", "pay-c", Map.of("app", "pay"), Map.of(), "Running",
        "True")).editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build();
    MeshState state = new MeshFixture()
        .service("shop", "pay", Map.of("app", "pay"))
        .pod(MeshFixture.pod("shop", "pay-a", Map.of("app", "pay"), Map.of(), "Pending", "False"))
        .pod(MeshFixture.pod("shop", "pay-b", Map.of("app", "pay"), Map.of(), "Running", "False"))
        .pod(terminating)
        .state();

    RouteDecision decision = route(state, "pay.shop", Map.of());

    assertThat(decision.responseFlags()).isEqualTo("UH");
    assertThat(decision.failureStatus()).isEqualTo(503);
    assertThat(decision.destinationService()).isEqualTo("pay.shop.svc.cluster.local");
  }

  @Test
  void aDestinationWithoutServiceHasNoHealthyUpstream() {
    MeshState state = MeshFixture.cartVersions().virtualService(cartRoutes("""
            - route: [{destination: {host: cart-v9}}]
        """)).state();

    assertThat(route(state, CART, Map.of()).responseFlags()).isEqualTo("UH");
  }

  @Test
  void aVirtualServiceBoundOnlyToANamedGatewayDoesNotApplyToMeshTraffic() {
    MeshState state = MeshFixture.cartVersions().virtualService("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: cart-public, namespace: shop}
        spec:
          hosts: [cart, shop.example.com]
          gateways: [public]
          http: [{route: [{destination: {host: cart-v3}}]}]
        """).state();

    RouteDecision mesh = route(state, CART, Map.of());
    assertThat(mesh.virtualService()).isEqualTo(RouteDecision.NONE);
    assertThat(mesh.destinationService()).isEqualTo(CART);
    assertThat(route(state, "shop.example.com", Map.of()).responseFlags()).isEqualTo("NR");

    for (String gateway : new String[] {"public", "shop/public"}) {
      RouteDecision ingress = Router.route(state, new MeshRequest("shop.example.com", "/", Map.of(), gateway),
          random);
      assertThat(ingress.virtualService()).as(gateway).isEqualTo("shop/cart-public");
      assertThat(ingress.endpoint().pod()).as(gateway).isEqualTo("cart-v3-a");
    }
    // Another gateway of that name in another namespace is not this one; a gateway reaches no bare Service.
    assertThat(Router.route(state, new MeshRequest("shop.example.com", "/", Map.of(), "edge/public"), random)
        .responseFlags()).isEqualTo("NR");
    assertThat(Router.route(state, new MeshRequest("cart-v1.shop", "/", Map.of(), "public"), random)
        .responseFlags()).isEqualTo("NR");
  }

  @Test
  void aVirtualServiceForMeshAndAGatewayAppliesToBoth() {
    MeshState state = MeshFixture.cartVersions().virtualService("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: cart, namespace: shop}
        spec:
          hosts: [cart]
          gateways: [mesh, istio-system/public]
          http:
            - match: [{gateways: [istio-system/public]}]
              route: [{destination: {host: cart-v3}}]
            - route: [{destination: {host: cart-v1}}]
        """).state();

    assertThat(route(state, CART, Map.of()).routeIndex()).isEqualTo(1);
    assertThat(Router.route(state, new MeshRequest(CART, "/", Map.of(), "istio-system/public"), random)
        .routeIndex()).isZero();
  }

  @Test
  void aDeploymentsPodsReportTheDeploymentAsTheirWorkload() {
    Pod owned = new PodBuilder(MeshFixture.pod("shop", "cart-7d9f8c-x2k4p",
        Map.of("app", "cart", "pod-template-hash", "7d9f8c"), Map.of(), "Running", "True"))
        .editMetadata().addNewOwnerReference().withKind("ReplicaSet").withName("cart-7d9f8c").withController(true)
        .withApiVersion("apps/v1").withUid("u").endOwnerReference().endMetadata().build();
    MeshState state = new MeshFixture().service("shop", "cart", Map.of("app", "cart")).pod(owned)
        .pod("shop", "cart-static", Map.of("app", "cart")).state();

    assertThat(state.endpoints(state.service(CART), Map.of()))
        .extracting(Endpoint::pod, Endpoint::workload, Endpoint::app, Endpoint::version)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("cart-7d9f8c-x2k4p", "cart", "cart", "unknown"),
            org.assertj.core.groups.Tuple.tuple("cart-static", "cart-static", "cart", "unknown"));
  }
}
