package io.keelson.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hand-written mirrors, read as Envoy configured by Istio copies requests. */
class MirrorsTest {

  private final Random random = new Random(3);

  private static MeshState virtualService(String mirror) {
    return MeshFixture.cartVersions().virtualService("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: cart, namespace: shop}
        spec:
          hosts: [cart]
          http: [{route: [{destination: {host: cart-v1}}], %s}]
        """.formatted(mirror)).state();
  }

  private static MeshState httpRoute(String requestMirror) {
    return MeshFixture.cartVersions().httpRoute("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: cart, namespace: shop}
        spec:
          parentRefs: [{group: "", kind: Service, name: cart}]
          rules:
            - backendRefs: [{name: cart-v1, port: 80}]
              filters: [{type: RequestMirror, requestMirror: %s}]
        """.formatted(requestMirror)).state();
  }

  private double copiedShare(MeshState state, String mirrorWorkload) {
    int copies = 0;
    int requests = 10_000;
    for (int i = 0; i < requests; i++) {
      RouteDecision decision = Router.route(state, new MeshRequest("cart.shop", "/", Map.of(), null), random);
      assertThat(decision.endpoint().workload()).as("the caller's answer").isEqualTo("cart-v1-a");
      if (decision.mirror() != null) {
        assertThat(decision.mirror().endpoint().workload()).isEqualTo(mirrorWorkload);
        copies++;
      }
    }
    return copies / (double) requests;
  }

  @Test
  void aVirtualServiceMirrorCopiesItsPercentageAndAllWithoutOne() {
    assertThat(copiedShare(virtualService("mirror: {host: cart-v2}, mirrorPercentage: {value: 25.0}"), "cart-v2-a"))
        .isCloseTo(0.25, within(0.02));
    assertThat(copiedShare(virtualService("mirror: {host: cart-v2}, mirrorPercent: 10"), "cart-v2-a"))
        .as("the older integer field").isCloseTo(0.10, within(0.02));
    assertThat(copiedShare(virtualService("mirror: {host: cart-v3.shop.svc.cluster.local}"), "cart-v3-a"))
        .as("Istio's default: 100%").isEqualTo(1.0);
    assertThat(copiedShare(virtualService("mirror: {host: cart-v2}, mirrorPercentage: {value: 0.0}"), "cart-v2-a"))
        .isZero();
  }

  @Test
  void aRequestMirrorFilterCopiesItsPercentOrFractionAndAllWithNeither() {
    assertThat(copiedShare(httpRoute("{backendRef: {name: cart-v2, port: 80}, percent: 30}"), "cart-v2-a"))
        .isCloseTo(0.30, within(0.02));
    assertThat(copiedShare(httpRoute("{backendRef: {name: cart-v2, port: 80}, fraction: {numerator: 1,"
        + " denominator: 8}}"), "cart-v2-a")).isCloseTo(0.125, within(0.02));
    assertThat(copiedShare(httpRoute("{backendRef: {name: cart-v3, port: 80}}"), "cart-v3-a")).isEqualTo(1.0);
  }

  @Test
  void aCopyToAServiceWithoutReadyPodsIsLostAndTheCallerStillAnswered() {
    MeshState state = virtualService("mirror: {host: nowhere}");
    RouteDecision decision = Router.route(state, new MeshRequest("cart.shop", "/", Map.of(), null), random);
    assertThat(decision.endpoint().workload()).isEqualTo("cart-v1-a");
    assertThat(decision.mirror().destinationService()).isEqualTo("nowhere.shop.svc.cluster.local");
    assertThat(decision.mirror().endpoint()).isNull();
    DataPlane plane = new DataPlane(() -> state, random, new Telemetry());
    assertThat(plane.exchange(new MeshRequest("cart.shop", "/", Map.of(), null)).copy()).isNull();
  }

  @Test
  void theCopysAuthorityGetsTheShadowSuffixBeforeItsPort() {
    assertThat(Mirrors.shadow(new MeshRequest("cart.shop:8080", "/a?b=c", Map.of("x-user", "1"), null)))
        .satisfies(copy -> {
          assertThat(copy.host()).isEqualTo("cart.shop-shadow:8080");
          assertThat(copy.path()).isEqualTo("/a?b=c");
          assertThat(copy.header("x-user")).isEqualTo("1");
        });
    assertThat(Mirrors.shadow(MeshRequest.to("cart.shop.svc.cluster.local", "/")).host())
        .isEqualTo("cart.shop.svc.cluster.local-shadow");
  }
}
