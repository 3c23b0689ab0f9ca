package io.keelson.testkit;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Serves a Prometheus registry at {@code http://127.0.0.1:<port>/metrics} in the text format, so a test
 * controls exactly what Prometheus scrapes.
 */
public final class LoopbackExporter implements AutoCloseable {

  private final HttpServer server;

  private LoopbackExporter(HttpServer server) {
    this.server = server;
  }

  public static LoopbackExporter start(PrometheusRegistry registry) {
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      server.createContext("/metrics", exchange -> {
        exchange.getResponseHeaders().set("Content-Type", writer.getContentType());
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream body = exchange.getResponseBody()) {
          writer.write(body, registry.scrape());
        }
      });
      server.start();
      return new LoopbackExporter(server);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start an exporter on 127.0.0.1", e);
    }
  }

  /** {@code 127.0.0.1:<port>}, as a scrape target. */
  public String target() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
