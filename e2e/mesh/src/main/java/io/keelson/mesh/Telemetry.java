package io.keelson.mesh;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Istio's standard HTTP metrics, {@code istio_requests_total} and {@code istio_request_duration_milliseconds},
 * with Istio's labels. A request a pod answered is reported by the destination; one that found no pod (no
 * route, no healthy upstream) only by the source proxy, as in Istio.
 */
final class Telemetry {

  /** Istio's default buckets for request durations, in milliseconds. */
  static final double[] DURATION_BUCKETS_MS = {0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
      30000, 60000, 300000, 600000, 1800000, 3600000};
  static final String[] LABELS = {"reporter", "source_workload", "source_workload_namespace", "source_app",
      "destination_workload", "destination_workload_namespace", "destination_app", "destination_version",
      "destination_service", "destination_service_name", "destination_service_namespace",
      "destination_canonical_service", "destination_canonical_revision", "request_protocol", "response_code",
      "response_flags", "connection_security_policy", "grpc_response_status"};
  private static final int RESPONSE_CODE = List.of(LABELS).indexOf("response_code");
  private static final String UNKNOWN = "unknown";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests = Counter.builder().name("istio_requests_total")
      .help("Requests, as Istio's proxies count them").labelNames(LABELS).register(registry);
  private final Histogram durations = Histogram.builder().name("istio_request_duration_milliseconds")
      .help("Request durations in milliseconds, as Istio's proxies measure them")
      .classicOnly().classicUpperBounds(DURATION_BUCKETS_MS).labelNames(LABELS).register(registry);
  /** Label sets already seen, without the response code. */
  private final Set<List<String>> seen = ConcurrentHashMap.newKeySet();

  PrometheusRegistry registry() {
    return registry;
  }

  void record(Caller caller, MeshRequest request, RouteDecision decision, int status, double latencyMs) {
    String[] labels = labels(caller, request, decision, status);
    if (seen.add(List.of(labels).subList(0, RESPONSE_CODE))) {
      // A counter's first sample is the base of increase(); start the usual codes at 0 so that the first
      // errors of a series are counted rather than taken as its starting value.
      for (String code : List.of("200", "500")) {
        String[] sibling = labels.clone();
        sibling[RESPONSE_CODE] = code;
        requests.labelValues(sibling).inc(0);
        durations.labelValues(sibling);
      }
    }
    requests.labelValues(labels).inc();
    durations.labelValues(labels).observe(Math.max(0, latencyMs));
  }

  static String[] labels(Caller caller, MeshRequest request, RouteDecision decision, int status) {
    Endpoint endpoint = decision.endpoint();
    String service = decision.destinationService() != null ? decision.destinationService()
        : Hosts.ofAuthority(request.host());
    String serviceName = decision.destinationService() != null ? Hosts.serviceName(service) : service;
    String serviceNamespace = decision.destinationService() != null && service.endsWith(Hosts.CLUSTER_SUFFIX)
        ? service.substring(serviceName.length() + 1, service.length() - Hosts.CLUSTER_SUFFIX.length()) : UNKNOWN;
    return new String[] {
        endpoint != null ? "destination" : "source",
        caller.workload(), caller.namespace(), caller.app(),
        endpoint != null ? endpoint.workload() : UNKNOWN,
        endpoint != null ? endpoint.namespace() : UNKNOWN,
        endpoint != null ? endpoint.app() : UNKNOWN,
        endpoint != null ? endpoint.version() : UNKNOWN,
        service, serviceName, serviceNamespace,
        endpoint != null ? endpoint.canonicalService() : UNKNOWN,
        endpoint != null ? endpoint.canonicalRevision() : UNKNOWN,
        "http", Integer.toString(status), decision.responseFlags(),
        endpoint != null ? "mutual_tls" : UNKNOWN, ""};
  }
}
