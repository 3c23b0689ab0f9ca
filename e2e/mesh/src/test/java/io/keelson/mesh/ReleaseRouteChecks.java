package io.keelson.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.keelson.release.traffic.RouteDesign;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

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

  /**
   * With the canary at weight 0, mirrored at 40%, and failing every request: about 40% of production requests
   * are copied to the canary, with the shadow authority, and its failures are in Istio's metrics as the
   * canary's; yet every production caller is answered by stable, with success. Test-header requests are
   * answered by the canary and not copied.
   */
  static void assertMirrorCopiesItsShareToTheCanaryAndServesNoCallerFromIt(MeshState state) {
    Telemetry telemetry = new Telemetry();
    DataPlane plane = new DataPlane(() -> state, new Random(13), telemetry);
    Caller frontend = new Caller("frontend", "web", "frontend");
    int requests = 20_000;
    int copies = 0;
    for (int i = 0; i < requests; i++) {
      DataPlane.Exchange exchange = plane.exchange(new MeshRequest("cart.shop:8080", "/", Map.of(), null));
      plane.record(exchange, frontend);
      assertThat(exchange.status()).as("what the caller got").isEqualTo(200);
      assertThat(exchange.decision().endpoint().workload()).isIn("cart-a", "cart-b");
      if (exchange.copy() != null) {
        copies++;
        assertThat(exchange.copy().request().host()).isEqualTo("cart.shop-shadow:8080");
        assertThat(exchange.copy().decision().endpoint().workload()).isEqualTo("cart-canary-a");
        assertThat(exchange.copy().status()).as("the canary's discarded answer").isEqualTo(500);
      }
    }
    assertThat(copies / (double) requests).isCloseTo(0.40, within(0.015));
    for (int i = 0; i < 100; i++) {
      DataPlane.Exchange test = plane.exchange(new MeshRequest("cart.shop", "/", Map.of("x-canary", "always"), null));
      plane.record(test, frontend);
      assertThat(test.copy()).as("test requests are not copied").isNull();
    }

    Answers answers = plane.answers();
    assertThat(answers.served("shop", "cart-canary-a", RouteDesign.WEIGHTED_ROUTE)).as("production callers served by"
        + " the canary").isZero();
    assertThat(answers.served("shop", "cart-canary-a", RouteDesign.TEST_ROUTE)).isEqualTo(100);
    assertThat(answers.mirrored("shop", "cart-canary-a")).isEqualTo(copies);
    // The canary's checks see the copies: Istio's destination-reported series of the canary workload.
    CounterSnapshot.CounterDataPointSnapshot canaryFailures = requestsTotal(telemetry, labels ->
        "cart-canary-a".equals(labels.get("destination_workload")) && "500".equals(labels.get("response_code")));
    assertThat(canaryFailures.getValue()).isEqualTo(copies + 100);
    CounterSnapshot.CounterDataPointSnapshot shadowed = requestsTotal(telemetry, labels ->
        "cart.shop-shadow".equals(labels.get("destination_service")) && "500".equals(labels.get("response_code")));
    assertThat(shadowed.getLabels().get("reporter")).isEqualTo("destination");
    assertThat(shadowed.getLabels().get("source_workload")).isEqualTo("frontend");
    assertThat(shadowed.getValue()).isEqualTo(copies);
  }

  private static CounterSnapshot.CounterDataPointSnapshot requestsTotal(Telemetry telemetry,
      Predicate<Labels> wanted) {
    List<CounterSnapshot.CounterDataPointSnapshot> points = telemetry.registry().scrape().stream()
        .filter(snapshot -> snapshot.getMetadata().getName().equals("istio_requests"))
        .flatMap(snapshot -> ((CounterSnapshot) snapshot).getDataPoints().stream())
        .filter(point -> wanted.test(point.getLabels())).toList();
    double total = points.stream().mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
    assertThat(points).as("istio_requests_total series").isNotEmpty();
    return CounterSnapshot.CounterDataPointSnapshot.builder().labels(points.get(0).getLabels()).value(total).build();
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
