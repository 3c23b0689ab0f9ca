package io.keelson.mesh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The simulator's HTTP entrance on 127.0.0.1. Any path and method; the destination is named by the
 * {@code X-Keelson-Host} header (HTTP clients that cannot set {@code Host}) or else by {@code Host};
 * {@code X-Keelson-Gateway} makes it ingress-gateway traffic. The answer comes after the sampled latency,
 * with the status the workload gives and a small JSON body saying who answered.
 */
final class Ingress implements AutoCloseable {

  static final String HOST_HEADER = "X-Keelson-Host";
  static final String GATEWAY_HEADER = "X-Keelson-Gateway";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Handlers sleep the simulated latency, so the pool bounds concurrent requests rather than CPU use. */
  private static final int THREADS = 32;

  private final HttpServer server;
  private final ExecutorService executor;
  private final DataPlane plane;

  Ingress(int port, DataPlane plane) {
    this.plane = plane;
    this.server = LoopbackHttp.create(port, "ingress");
    this.executor = Executors.newFixedThreadPool(THREADS, runnable -> {
      Thread thread = new Thread(runnable, "mesh-ingress");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try (InputStream body = exchange.getRequestBody()) {
        body.transferTo(OutputStream.nullOutputStream());
      }
      MeshRequest request = request(exchange);
      DataPlane.Exchange result = plane.exchange(request);
      sleep(result.latencyMs());
      plane.record(result, request.gateway() == null ? Caller.UNKNOWN : Caller.INGRESS_GATEWAY);
      byte[] answer = JSON.writeValueAsBytes(describe(result));
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("X-Response-Flags", result.decision().responseFlags());
      if (result.decision().routed()) {
        exchange.getResponseHeaders().set("X-Keelson-Pod", result.decision().endpoint().pod());
      }
      exchange.sendResponseHeaders(result.status(), answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    }
  }

  private static MeshRequest request(HttpExchange exchange) {
    Map<String, String> headers = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
        String.join(",", values)));
    headers.put(":method", exchange.getRequestMethod());
    String host = headers.getOrDefault(HOST_HEADER.toLowerCase(Locale.ROOT), headers.getOrDefault("host", ""));
    String gateway = headers.get(GATEWAY_HEADER.toLowerCase(Locale.ROOT));
    return new MeshRequest(host, exchange.getRequestURI().toString(), headers, gateway);
  }

  private static Map<String, Object> describe(DataPlane.Exchange result) {
    RouteDecision decision = result.decision();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", result.status());
    body.put("host", result.request().host());
    body.put("virtualService", decision.virtualService());
    body.put("route", decision.routeIndex() < 0 ? null : decision.routeIndex());
    body.put("routeName", decision.routeName());
    body.put("service", decision.destinationService());
    body.put("subset", decision.subset());
    body.put("responseFlags", decision.responseFlags());
    if (decision.routed()) {
      Endpoint endpoint = decision.endpoint();
      body.put("workload", endpoint.workload());
      body.put("namespace", endpoint.namespace());
      body.put("pod", endpoint.pod());
      body.put("version", endpoint.version());
    }
    body.put("latencyMs", Math.round(result.latencyMs() * 10) / 10.0);
    return body;
  }

  private static void sleep(double millis) {
    try {
      TimeUnit.MICROSECONDS.sleep(Math.round(millis * 1000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
