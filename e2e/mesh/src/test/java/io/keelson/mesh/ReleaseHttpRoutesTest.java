package io.keelson.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keelson.release.api.MatchType;
import io.keelson.release.api.RouterKind;
import io.keelson.release.api.ServiceSpec;
import io.keelson.release.api.TestRoute;
import io.keelson.release.gatewayapi.HttpRouteDesign;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.RouteDesign;
import io.keelson.release.traffic.Routes;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The mesh reads the HTTPRoute the release controller writes as the Gateway API specifies. */
class ReleaseHttpRoutesTest {

  private static MeshState shop(HTTPRoute routes) {
    // Through YAML, as the object reaches the mesh from the API server.
    HTTPRoute written = Serialization.unmarshal(Serialization.asYaml(routes), HTTPRoute.class);
    return new MeshFixture()
        .service("shop", "cart", Map.of("app", "cart"))
        .service("shop", "cart-canary", Map.of("app", "cart-canary"))
        .pod("shop", "cart-a", Map.of("app", "cart", "version", "v1"))
        .pod("shop", "cart-b", Map.of("app", "cart", "version", "v1"))
        .pod("shop", "cart-canary-a", Map.of("app", "cart-canary", "version", "v2"))
        .httpRoute(written)
        .state();
  }

  private static PolicyRef policy(MatchType type, String value) {
    return new PolicyRef("shop", "cart-release", null, new ServiceSpec("cart", null, 8080, null, null, null, "5s"),
        new TestRoute("X-Canary", new TestRoute.HeaderMatch(type, value), "2m", null, null), RouterKind.GATEWAY_API);
  }

  @ParameterizedTest(name = "{0} {1}: header {2} reaches the canary")
  @CsvSource({
      "EXACT,  always,   always",
      "PREFIX, tester.,  tester.17",
      "REGEX,  'always|yes', yes",
  })
  void testHeaderRequestsReachTheCanaryAndTheRestSplitsByWeight(MatchType type, String value, String sent) {
    PolicyRef policy = policy(type, value);
    MeshState state = shop(HttpRouteDesign.httpRoute(policy, new Routes(20, true)));
    Random random = new Random(7);

    for (int i = 0; i < 200; i++) {
      RouteDecision test = Router.route(state,
          new MeshRequest("cart.shop", "/", Map.of("x-canary", sent), null), random);
      assertThat(test.routeName()).isEqualTo(RouteDesign.TEST_ROUTE);
      assertThat(test.endpoint().workload()).isEqualTo("cart-canary-a");
    }
    int canary = 0;
    int picks = 20_000;
    for (int i = 0; i < picks; i++) {
      RouteDecision decision = Router.route(state,
          new MeshRequest("cart", "/", Map.of("x-canary", "other"), null, "shop"), random);
      assertThat(decision.virtualService()).isEqualTo("shop/keelson-cart-release");
      assertThat(decision.routeName()).isEqualTo(RouteDesign.WEIGHTED_ROUTE);
      canary += "cart-canary.shop.svc.cluster.local".equals(decision.destinationService()) ? 1 : 0;
    }
    assertThat(canary / (double) picks).isCloseTo(0.20, within(0.015));
  }

  @ParameterizedTest(name = "canary weight {0}")
  @CsvSource({"0", "100"})
  void aZeroWeightBackendNeverReceivesTraffic(int canaryWeight) {
    MeshState state = shop(HttpRouteDesign.httpRoute(policy(MatchType.EXACT, "always"),
        new Routes(canaryWeight, false)));
    Random random = new Random(11);

    for (int i = 0; i < 2_000; i++) {
      RouteDecision decision = Router.route(state,
          new MeshRequest("cart.shop.svc.cluster.local", "/", Map.of("x-canary", "always"), null), random);
      assertThat(decision.routeName()).isEqualTo(RouteDesign.WEIGHTED_ROUTE);
      assertThat(decision.endpoint().version()).isEqualTo(canaryWeight == 0 ? "v1" : "v2");
    }
  }
}
