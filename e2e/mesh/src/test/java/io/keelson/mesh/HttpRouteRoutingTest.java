package io.keelson.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hand-written HTTPRoutes, routed as the Gateway API specifies: by match specificity, not by order. */
class HttpRouteRoutingTest {

  private static final String CART = "cart.shop.svc.cluster.local";

  private final Random random = new Random(42);

  /** An HTTPRoute in shop attached to the Service cart (GAMMA), created at {@code created}, with these rules. */
  private static String meshRoute(String name, String created, String rules) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %s, namespace: shop, creationTimestamp: "%s"}
        spec:
          parentRefs: [{group: "", kind: Service, name: cart}]
          rules:
        """.formatted(name, created) + rules;
  }

  private RouteDecision route(MeshState state, String path, Map<String, String> headers) {
    return Router.route(state, new MeshRequest("cart.shop", path, headers, null), random);
  }

  @Test
  void theMostSpecificMatchWinsWhateverTheRuleOrder() {
    MeshState state = MeshFixture.cartVersions().httpRoute(meshRoute("cart", "2026-01-01T00:00:00Z", """
            - name: rest
              backendRefs: [{name: cart-v1, port: 80}]
            - name: api
              matches: [{path: {type: PathPrefix, value: /api}}]
              backendRefs: [{name: cart-v3, port: 80}]
            - name: alice
              matches: [{path: {type: PathPrefix, value: /}, headers: [{name: x-user, value: alice}]}]
              backendRefs: [{name: cart-v2, port: 80}]
        """)).state();

    RouteDecision api = route(state, "/api/items?x=1", Map.of("x-user", "alice"));
    assertThat(api.routeName()).as("a longer prefix beats a header match on /").isEqualTo("api");
    assertThat(api.endpoint().version()).isEqualTo("v3");

    RouteDecision alice = route(state, "/", Map.of("x-user", "alice"));
    assertThat(alice.routeName()).as("a header match beats none on the same path").isEqualTo("alice");
    assertThat(alice.virtualService()).isEqualTo("shop/cart");
    assertThat(alice.routeIndex()).isEqualTo(2);

    assertThat(route(state, "/apis", Map.of("x-user", "bob")).routeName())
        .as("a prefix matches whole path elements").isEqualTo("rest");
  }

  @Test
  void anExactPathBeatsALongerPrefixAndAMethodBeatsMoreHeaders() {
    MeshState state = MeshFixture.cartVersions().httpRoute(meshRoute("cart", "2026-01-01T00:00:00Z", """
            - name: long-prefix
              matches: [{path: {type: PathPrefix, value: /api/items/special}}]
              backendRefs: [{name: cart-v2, port: 80}]
            - name: exact
              matches: [{path: {type: Exact, value: /api/items}}]
              backendRefs: [{name: cart-v3, port: 80}]
            - name: two-headers
              matches: [{headers: [{name: a, value: "1"}, {name: b, value: "2"}]}]
              backendRefs: [{name: cart-v1, port: 80}]
            - name: post
              matches: [{method: POST}]
              backendRefs: [{name: cart-v2, port: 80}]
        """)).state();

    assertThat(route(state, "/api/items", Map.of()).routeName()).isEqualTo("exact");
    assertThat(route(state, "/api/items/special/1", Map.of()).routeName()).isEqualTo("long-prefix");
    assertThat(route(state, "/", Map.of(":method", "POST", "a", "1", "b", "2")).routeName()).isEqualTo("post");
    assertThat(route(state, "/", Map.of("a", "1", "b", "2")).routeName()).isEqualTo("two-headers");
    assertThat(route(state, "/", Map.of("a", "1")).failureStatus()).as("no rule matches").isEqualTo(404);
  }

  @Test
  void equalMatchesGoToTheOldestRouteThenByName() {
    String rule = """
            - matches: [{path: {type: PathPrefix, value: /}}]
              backendRefs: [{name: %s, port: 80}]
        """;
    MeshState byAge = MeshFixture.cartVersions()
        .httpRoute(meshRoute("a-newer", "2026-03-01T00:00:00Z", rule.formatted("cart-v2")))
        .httpRoute(meshRoute("z-older", "2026-02-01T00:00:00Z", rule.formatted("cart-v3")))
        .state();
    assertThat(route(byAge, "/", Map.of()).virtualService()).isEqualTo("shop/z-older");

    MeshState byName = MeshFixture.cartVersions()
        .httpRoute(meshRoute("b", "2026-02-01T00:00:00Z", rule.formatted("cart-v2")))
        .httpRoute(meshRoute("a", "2026-02-01T00:00:00Z", rule.formatted("cart-v3")))
        .state();
    assertThat(route(byName, "/", Map.of()).virtualService()).isEqualTo("shop/a");
  }

  @Test
  void aRegularExpressionMatchesTheWholeHeaderValue() {
    MeshState state = MeshFixture.cartVersions().httpRoute(meshRoute("cart", "2026-01-01T00:00:00Z", """
            - name: testers
              matches: [{headers: [{name: X-Canary, type: RegularExpression, value: "yes|true"}]}]
              backendRefs: [{name: cart-v2, port: 80}]
            - name: rest
              backendRefs: [{name: cart-v1, port: 80}]
        """)).state();

    assertThat(route(state, "/", Map.of("x-canary", "true")).routeName()).isEqualTo("testers");
    assertThat(route(state, "/", Map.of("x-canary", "untrue")).routeName()).isEqualTo("rest");
  }

  @Test
  void aServiceRouteGovernsMeshTrafficOnlyAndAGatewayRouteItsHostnames() {
    MeshState state = MeshFixture.cartVersions()
        .httpRoute(meshRoute("cart", "2026-01-01T00:00:00Z", """
                - backendRefs: [{name: cart-v2, port: 80}]
            """))
        .httpRoute("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: public, namespace: shop}
            spec:
              parentRefs: [{name: public, namespace: edge}]
              hostnames: ["*.example.com"]
              rules: [{backendRefs: [{name: cart-v3, port: 80}]}]
            """)
        .httpRoute("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: cart-public, namespace: shop}
            spec:
              parentRefs: [{name: public, namespace: edge}]
              hostnames: [cart.example.com]
              rules: [{backendRefs: [{name: cart-v1, port: 80}]}]
            """)
        .state();

    assertThat(route(state, "/", Map.of()).endpoint().version()).as("mesh").isEqualTo("v2");
    assertThat(Router.route(state, new MeshRequest("cart.example.com", "/", Map.of(), "edge/public"), random)
        .virtualService()).as("an exact hostname beats a wildcard").isEqualTo("shop/cart-public");
    assertThat(Router.route(state, new MeshRequest("shop.example.com", "/", Map.of(), "public"), random)
        .endpoint().version()).isEqualTo("v3");
    assertThat(Router.route(state, new MeshRequest("example.org", "/", Map.of(), "edge/public"), random)
        .failureStatus()).as("no hostname covers it").isEqualTo(404);
    assertThat(Router.route(state, new MeshRequest("cart.shop", "/", Map.of(), "edge/other"), random)
        .failureStatus()).as("another gateway").isEqualTo(404);
  }

  @Test
  void backendsArePickedByWeightAndAZeroWeightNeverAnswers() {
    MeshState state = MeshFixture.cartVersions().httpRoute(meshRoute("cart", "2026-01-01T00:00:00Z", """
            - backendRefs: [{name: cart-v1, port: 80, weight: 1}, {name: cart-v2, port: 80, weight: 3},
                            {name: cart-v3, port: 80, weight: 0}]
        """)).state();
    Map<String, Integer> counts = new HashMap<>();
    int picks = 20_000;

    for (int i = 0; i < picks; i++) {
      counts.merge(route(state, "/", Map.of()).endpoint().version(), 1, Integer::sum);
    }

    assertThat(counts.get("v2") / (double) picks).isCloseTo(0.75, within(0.015));
    assertThat(counts).doesNotContainKey("v3");
  }

  @Test
  void aRuleWithNoWeightedBackendOrNoReadyPodFails() {
    MeshState state = MeshFixture.cartVersions().httpRoute(meshRoute("cart", "2026-01-01T00:00:00Z", """
            - matches: [{path: {type: PathPrefix, value: /none}}]
              backendRefs: [{name: cart-v1, port: 80, weight: 0}]
            - backendRefs: [{name: cart-gone, port: 80}]
        """)).state();

    assertThat(route(state, "/none", Map.of()).responseFlags()).isEqualTo(RouteDecision.NO_HEALTHY_UPSTREAM);
    assertThat(route(state, "/", Map.of()).failureStatus()).isEqualTo(503);
  }
}
