package io.keelson.testkit;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An exporter of Istio's two standard metrics, as a sidecar at the destination would report them. */
public final class IstioTelemetry implements AutoCloseable {

  private static final double[] ISTIO_MS_BUCKETS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000,
      10000, 30000, 60000, 300000, 600000, 1800000, 3600000};
  private static final Duration SCRAPED = Duration.ofSeconds(15);

  final PrometheusRegistry registry = new PrometheusRegistry();
  final Counter requests = Counter.builder().name("istio_requests_total").help("requests")
      .labelNames("reporter", "source_workload", "destination_workload", "destination_workload_namespace",
          "destination_service", "response_code")
      .register(registry);
  final Histogram durations = Histogram.builder().name("istio_request_duration_milliseconds")
      .help("request durations").classicOnly().classicUpperBounds(ISTIO_MS_BUCKETS)
      .labelNames("reporter", "source_workload", "destination_workload", "destination_workload_namespace",
          "destination_service", "response_code")
      .register(registry);
  final String namespace;
  final LoopbackExporter exporter = LoopbackExporter.start(registry);
  final PrometheusServer prometheus;
  long served;

  public IstioTelemetry(PrometheusServer prometheus, String namespace, String... workloads) {
    this.prometheus = prometheus;
    this.namespace = namespace;
    // Every series exists (at 0) before the traffic, as Istio's would once a workload is up, so that
    // increase() sees the first requests.
    for (String workload : workloads) {
      for (String code : List.of("200", "503")) {
        requests.labelValues(labels(workload, code)).inc(0);
        durations.labelValues(labels(workload, code));
      }
    }
    prometheus.addTarget(namespace, exporter.target(), Map.of());
    awaitScraped();
  }

  public void serve(String workload, int count, String code, double millis) {
    requests.labelValues(labels(workload, code)).inc(count);
    for (int i = 0; i < count; i++) {
      durations.labelValues(labels(workload, code)).observe(millis);
    }
    served += count;
  }

  /** Waits until Prometheus has scraped every request served so far. */
  public void awaitScraped() {
    long expected = served;
    prometheus.awaitQuery("sum(istio_requests_total{destination_workload_namespace=\"" + namespace + "\"})",
        samples -> samples.size() == 1 && samples.get(0).value() == expected, SCRAPED);
  }

  /**
   * Waits until Prometheus holds a scrape of this exporter taken at or after {@code instant}: a window
   * starting or ending there has a sample at its edge. Returns that scrape's time.
   */
  public Instant awaitScrapeAfter(Instant instant) {
    List<PrometheusServer.Sample> samples = prometheus.awaitQuery(
        "max(timestamp(istio_requests_total{destination_workload_namespace=\"" + namespace + "\"}))",
        found -> found.size() == 1 && found.get(0).value() * 1000 >= instant.toEpochMilli(), SCRAPED);
    return Instant.ofEpochMilli(Math.round(samples.get(0).value() * 1000));
  }

  private String[] labels(String workload, String code) {
    return new String[] {"destination", "ingressgateway", workload, namespace,
        workload + "." + namespace + ".svc.cluster.local", code};
  }

  @Override
  public void close() {
    exporter.close();
  }
}
