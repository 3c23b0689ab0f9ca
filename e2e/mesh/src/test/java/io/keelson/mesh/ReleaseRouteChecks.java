package io.keelson.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.keelson.release.traffic.RouteDesign;
import java.util.Map;
import java.util.Random;

/** What the mesh must do with the routes the release controller writes, whichever router wrote them. */
final class ReleaseRouteChecks {

  private ReleaseRouteChecks() {
  }

  /**
   * Requests carrying the test header value {@code sent} all reach the canary; the others split 80/20 between
   * cart and cart-canary by the weighted route.
   */
  static void assertTestHeaderReachesCanaryAndRestSplitsByWeight(MeshState state, String sent) {
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

  /** With the canary at weight 0 or 100, every request, test header or not, goes by weight to one side only. */
  static void assertZeroWeightSideNeverReceivesTraffic(MeshState state, int canaryWeight) {
    Random random = new Random(11);
    for (int i = 0; i < 2_000; i++) {
      RouteDecision decision = Router.route(state,
          new MeshRequest("cart.shop.svc.cluster.local", "/", Map.of("x-canary", "always"), null), random);
      assertThat(decision.routeName()).isEqualTo(RouteDesign.WEIGHTED_ROUTE);
      assertThat(decision.endpoint().version()).isEqualTo(canaryWeight == 0 ? "v1" : "v2");
    }
  }
}
