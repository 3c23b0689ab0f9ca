package io.keelson.bench;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Reads the API server's own request counter from its {@code /metrics}, so requests are counted on the
 * server, not by the client that makes them. Each reading is itself one GET.
 */
final class ApiServerRequests {

  private final KubernetesClient admin;

  ApiServerRequests(KubernetesClient admin) {
    this.admin = admin;
  }

  RequestCounts now() {
    return RequestCounts.parse(admin.raw("/metrics"));
  }
}
