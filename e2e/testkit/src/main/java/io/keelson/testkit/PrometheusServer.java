package io.keelson.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A real Prometheus server (the Debian package's binary) on 127.0.0.1 with a temporary data directory.
 * Scrape targets are file-based service discovery, so a test adds exporters it started while the server
 * runs; the scrape interval is short so tests see samples within seconds.
 */
public final class PrometheusServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path workDir;
  private final SupervisedProcess process;
  private final URI url;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private PrometheusServer(Path workDir, SupervisedProcess process, URI url) {
    this.workDir = workDir;
    this.process = process;
    this.url = url;
  }

  /** Starts Prometheus with the given scrape interval (also its evaluation interval). */
  public static PrometheusServer start(Duration scrapeInterval) {
    Path binary = locateBinary();
    Path workDir;
    try {
      workDir = Files.createTempDirectory("keelson-prometheus-");
      Files.createDirectories(workDir.resolve("targets"));
      Files.writeString(workDir.resolve("prometheus.yml"), """
          global:
            scrape_interval: %1$ds
            evaluation_interval: %1$ds
          scrape_configs:
            - job_name: keelson-test
              file_sd_configs:
                - files: ['%2$s/targets/*.json']
                  refresh_interval: 1s
          """.formatted(Math.max(1, scrapeInterval.toSeconds()), workDir));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Prometheus' directory", e);
    }
    int port = LoopbackPorts.free();
    URI url = URI.create("http://127.0.0.1:" + port);
    SupervisedProcess process = SupervisedProcess.start("prometheus", workDir, List.of(
        binary.toString(),
        "--config.file=" + workDir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + workDir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port,
        "--log.level=warn"));
    PrometheusServer server = new PrometheusServer(workDir, process, url);
    try {
      Waiter.await("Prometheus at " + url, START_TIMEOUT, Duration.ofMillis(100),
          () -> server.get("/-/ready").statusCode() == 200 ? Boolean.TRUE : null,
          () -> process.isAlive() ? null : "prometheus exited:\n" + process.logTail());
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private static Path locateBinary() {
    String configured = System.getenv("KEELSON_PROMETHEUS");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return Path.of(ProjectTools.run("prometheus"));
  }

  public URI url() {
    return url;
  }

  /** Adds (or replaces) a scrape target, {@code host:port}, under a name with extra target labels. */
  public void addTarget(String name, String hostPort, Map<String, String> labels) {
    Map<String, Object> group = new LinkedHashMap<>();
    group.put("targets", List.of(hostPort));
    group.put("labels", labels);
    Path targets = workDir.resolve("targets");
    try {
      Path staged = Files.createTempFile(workDir, name, ".tmp");
      JSON.writeValue(staged.toFile(), List.of(group));
      // Atomic rename: Prometheus never reads a half-written target file.
      Files.move(staged, targets.resolve(name + ".json"), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write scrape target " + name, e);
    }
  }

  /** Runs an instant query and returns the samples of its vector result (labels → value). */
  public List<Sample> query(String promql) {
    HttpResponse<String> response = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    try {
      JsonNode body = JSON.readTree(response.body());
      if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
        throw new IllegalStateException("query " + promql + " failed: " + response.body());
      }
      List<Sample> samples = new ArrayList<>();
      for (JsonNode result : body.path("data").path("result")) {
        Map<String, String> labels = new LinkedHashMap<>();
        result.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        samples.add(new Sample(labels, Double.parseDouble(result.path("value").get(1).asText())));
      }
      return samples;
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable answer to " + promql, e);
    }
  }

  /** Repeats a query until its samples satisfy {@code condition}, e.g. once the first scrape landed. */
  public List<Sample> awaitQuery(String promql, Predicate<List<Sample>> condition, Duration timeout) {
    return Waiter.await("Prometheus query " + promql, timeout, Duration.ofMillis(250), () -> {
      List<Sample> samples = query(promql);
      return condition.test(samples) ? samples : null;
    }, () -> process.isAlive() ? null : "prometheus exited:\n" + process.logTail());
  }

  private HttpResponse<String> get(String path) {
    try {
      return http.send(HttpRequest.newBuilder(url.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("Prometheus at " + url + " did not answer " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.close();
    ControlPlane.deleteRecursively(workDir);
  }

  /** One element of an instant vector. */
  public record Sample(Map<String, String> labels, double value) {}
}
