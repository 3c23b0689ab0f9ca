package io.keelson.mesh;

import java.util.Map;
import java.util.Objects;

/**
 * Steady mesh traffic from one caller to one host.
 *
 * @param host the destination host, as a caller in {@code sourceNamespace} would write it
 * @param requestsPerSecond the average rate
 * @param headers headers every request carries (e.g. a release's test header)
 * @param sourceWorkload the caller's workload, reported as {@code source_workload}
 * @param sourceNamespace the caller's namespace; also resolves a short {@code host}
 */
public record TrafficSource(String host, double requestsPerSecond, Map<String, String> headers,
    String sourceWorkload, String sourceNamespace) {

  public TrafficSource {
    Objects.requireNonNull(host, "host");
    if (!(requestsPerSecond >= 0) || Double.isInfinite(requestsPerSecond)) {
      throw new IllegalArgumentException("requestsPerSecond must be a finite number >= 0, not " + requestsPerSecond);
    }
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    sourceWorkload = sourceWorkload == null || sourceWorkload.isBlank() ? "unknown" : sourceWorkload;
  }

  MeshRequest request() {
    return new MeshRequest(host, "/", headers, null, sourceNamespace);
  }

  Caller caller() {
    return new Caller(sourceWorkload, sourceNamespace == null ? "unknown" : sourceNamespace, sourceWorkload);
  }
}
