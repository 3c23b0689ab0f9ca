package io.keelson.mesh;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.OutputStream;

/** Serves the simulator's metrics at {@code http://127.0.0.1:<port>/metrics} in Prometheus' text format. */
final class MetricsEndpoint implements AutoCloseable {

  private final HttpServer server;

  MetricsEndpoint(int port, PrometheusRegistry registry) {
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    server = LoopbackHttp.create(port, "metrics");
    server.createContext("/metrics", exchange -> {
      try (exchange) {
        exchange.getResponseHeaders().set("Content-Type", writer.getContentType());
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream body = exchange.getResponseBody()) {
          writer.write(body, registry.scrape());
        }
      }
    });
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
