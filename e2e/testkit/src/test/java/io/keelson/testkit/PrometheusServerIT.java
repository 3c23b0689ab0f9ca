package io.keelson.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The harness' Prometheus really scrapes an exporter and answers PromQL over its HTTP API. */
@ExtendWith(PrometheusExtension.class)
class PrometheusServerIT {

  @Test
  void aQueryReturnsTheValueScrapedFromAnExporterTheTestStarted(PrometheusServer prometheus) {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter requests = Counter.builder().name("demo_requests_total").help("requests served")
        .labelNames("code").register(registry);
    requests.labelValues("200").inc(40);
    requests.labelValues("500").inc(2);

    try (LoopbackExporter exporter = LoopbackExporter.start(registry)) {
      prometheus.addTarget("demo", exporter.target(), Map.of("app", "demo"));

      List<PrometheusServer.Sample> samples = prometheus.awaitQuery(
          "sum by (app) (demo_requests_total)", result -> !result.isEmpty(), Duration.ofSeconds(30));

      assertThat(samples).singleElement().satisfies(sample -> {
        assertThat(sample.labels()).containsEntry("app", "demo");
        assertThat(sample.value()).isEqualTo(42.0);
      });
      assertThat(prometheus.query("demo_requests_total{code=\"500\"}"))
          .singleElement().extracting(PrometheusServer.Sample::value).isEqualTo(2.0);
    }
  }

  @Test
  void aMalformedQueryIsAClearError(PrometheusServer prometheus) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> prometheus.query("sum by (("))
        .hasMessageContaining("sum by ((").hasMessageContaining("bad_data");
  }
}
