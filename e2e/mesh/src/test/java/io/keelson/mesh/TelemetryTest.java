package io.keelson.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TelemetryTest {

  private final Telemetry telemetry = new Telemetry();
  private final MeshState state = new MeshFixture()
      .service("shop", "cart", Map.of("app", "cart"))
      .service("shop", "pay", Map.of("app", "pay"))
      .pod("shop", "cart-a", Map.of("app", "cart", "version", "v3"), Map.of(Behaviour.ERROR_RATE, "1"))
      .state();
  private final DataPlane plane = new DataPlane(() -> state, new Random(5), telemetry);
  private final Caller frontend = new Caller("frontend", "web", "frontend");

  @Test
  void answeredRequestsAreReportedByTheDestinationWithIstiosLabels() {
    for (int i = 0; i < 3; i++) {
      plane.record(plane.exchange(new MeshRequest("cart.shop:8080", "/", Map.of(), null)), frontend);
    }

    Labels labels = series("istio_requests_total", "500").getLabels();
    assertThat(labels.get("reporter")).isEqualTo("destination");
    assertThat(labels.get("source_workload")).isEqualTo("frontend");
    assertThat(labels.get("source_workload_namespace")).isEqualTo("web");
    assertThat(labels.get("destination_workload")).isEqualTo("cart-a");
    assertThat(labels.get("destination_workload_namespace")).isEqualTo("shop");
    assertThat(labels.get("destination_app")).isEqualTo("cart");
    assertThat(labels.get("destination_version")).isEqualTo("v3");
    assertThat(labels.get("destination_service")).isEqualTo("cart.shop.svc.cluster.local");
    assertThat(labels.get("destination_service_name")).isEqualTo("cart");
    assertThat(labels.get("destination_service_namespace")).isEqualTo("shop");
    assertThat(labels.get("destination_canonical_service")).isEqualTo("cart");
    assertThat(labels.get("destination_canonical_revision")).isEqualTo("v3");
    assertThat(labels.get("request_protocol")).isEqualTo("http");
    assertThat(labels.get("response_flags")).isEqualTo("-");
    assertThat(labels.get("connection_security_policy")).isEqualTo("mutual_tls");
    assertThat(labels.get("grpc_response_status")).isEmpty();
    assertThat(((CounterSnapshot.CounterDataPointSnapshot) series("istio_requests_total", "500")).getValue())
        .isEqualTo(3);
    // The 200 series exists at 0, so a later first success is counted by increase().
    assertThat(((CounterSnapshot.CounterDataPointSnapshot) series("istio_requests_total", "200")).getValue())
        .isZero();
    HistogramSnapshot.HistogramDataPointSnapshot durations =
        (HistogramSnapshot.HistogramDataPointSnapshot) series("istio_request_duration_milliseconds", "500");
    assertThat(durations.getCount()).isEqualTo(3);
    assertThat(durations.getClassicBuckets().stream().map(b -> b.getUpperBound()).toList())
        .startsWith(0.5, 1.0, 5.0, 10.0, 25.0).contains(3600000.0);
  }

  @Test
  void requestsThatFoundNoPodAreReportedByTheSource() {
    plane.record(plane.exchange(new MeshRequest("nowhere.shop", "/", Map.of(), null)), frontend);
    plane.record(plane.exchange(new MeshRequest("pay.shop", "/", Map.of(), null)), frontend);

    Labels noRoute = series("istio_requests_total", "404").getLabels();
    assertThat(noRoute.get("reporter")).isEqualTo("source");
    assertThat(noRoute.get("response_flags")).isEqualTo("NR");
    assertThat(noRoute.get("destination_service")).isEqualTo("nowhere.shop");
    assertThat(noRoute.get("destination_workload")).isEqualTo("unknown");
    Labels noUpstream = series("istio_requests_total", "503").getLabels();
    assertThat(noUpstream.get("reporter")).isEqualTo("source");
    assertThat(noUpstream.get("response_flags")).isEqualTo("UH");
    assertThat(noUpstream.get("destination_service")).isEqualTo("pay.shop.svc.cluster.local");
    assertThat(noUpstream.get("destination_service_name")).isEqualTo("pay");
    assertThat(noUpstream.get("destination_service_namespace")).isEqualTo("shop");
  }

  private io.prometheus.metrics.model.snapshots.DataPointSnapshot series(String metric, String code) {
    String name = metric.endsWith("_total") ? metric.substring(0, metric.length() - "_total".length()) : metric;
    for (MetricSnapshot snapshot : telemetry.registry().scrape()) {
      if (snapshot.getMetadata().getName().equals(name)) {
        List<? extends io.prometheus.metrics.model.snapshots.DataPointSnapshot> points = snapshot.getDataPoints();
        return points.stream().filter(p -> code.equals(p.getLabels().get("response_code"))).findFirst()
            .orElseThrow(() -> new AssertionError("no " + metric + " series with code " + code + ": " + points));
      }
    }
    throw new AssertionError("no metric " + metric);
  }
}
