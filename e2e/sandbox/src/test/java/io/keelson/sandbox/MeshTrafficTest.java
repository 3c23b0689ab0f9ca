package io.keelson.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keelson.mesh.TrafficSource;
import io.keelson.release.api.ReleasePolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeshTrafficTest {

  private static Service service(String namespace, String name) {
    return new ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata().build();
  }

  private static ReleasePolicy policy(String matchType, String value) {
    return Serialization.unmarshal("""
        apiVersion: keelson.io/v1alpha1
        kind: ReleasePolicy
        metadata: {name: cart, namespace: shop}
        spec:
          targetRef: {name: cart}
          service: {name: cart, port: 80}
          testRoute: {header: x-keelson-canary, match: {type: %s, value: "%s"}}
          steps: {weights: [10], interval: 1m}
        """.formatted(matchType, value), ReleasePolicy.class);
  }

  @Test
  void everyApplicationServiceGetsLoadAndAReleasedOneAlsoGetsTestTraffic() {
    List<TrafficSource> sources = new MeshTraffic(20, 4).sources(
        List.of(service("shop", "cart"), service("shop", "cart-canary"), service("shop", "catalog"),
            service("default", "kubernetes"), service("kube-system", "kube-dns")),
        List.of(policy("exact", "cart")));

    assertThat(sources).extracting(TrafficSource::host, TrafficSource::requestsPerSecond, TrafficSource::headers)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("cart.shop.svc.cluster.local", 20.0, MeshTraffic.PRODUCTION_HEADERS),
            org.assertj.core.groups.Tuple.tuple("cart.shop.svc.cluster.local", 4.0, Map.of("x-keelson-canary", "cart")),
            org.assertj.core.groups.Tuple.tuple("catalog.shop.svc.cluster.local", 20.0, MeshTraffic.PRODUCTION_HEADERS));
  }

  @Test
  void theTestHeaderValueMatchesThePolicysMatchType() {
    assertThat(MeshTraffic.testHeader(policy("exact", "cart"), "shop", "cart")).isEqualTo("cart");
    assertThat(MeshTraffic.testHeader(policy("prefix", "qa-"), "shop", "cart")).startsWith("qa-");
    assertThat(MeshTraffic.testHeader(policy("regex", "tester"), "shop", "cart")).isEqualTo("tester");
    assertThat(MeshTraffic.testHeader(policy("regex", "qa-[0-9]+"), "shop", "cart")).isNull();
    assertThat(MeshTraffic.testHeader(policy("exact", "cart"), "other", "cart")).isNull();
    assertThat(MeshTraffic.testHeader(policy("exact", "cart"), "shop", "catalog")).isNull();
  }
}
