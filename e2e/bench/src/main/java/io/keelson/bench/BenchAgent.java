package io.keelson.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.agent.auth.WebhookSignatures;
import io.keelson.testkit.AgentProcess;
import io.keelson.testkit.ChartJvm;
import io.keelson.testkit.LoopbackHttp;
import io.keelson.testkit.Waiter;
import io.keelson.testkit.LoopbackPorts;
import io.keelson.testkit.ProcessUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent as its own JVM with the Git sources of one {@link SourceLayout}, configured as a pod would be
 * (leader election on, loopback ports), plus what the benchmark asks of it: webhooks and manual syncs of every
 * source, their status, its heap.
 */
final class BenchAgent implements AutoCloseable {

  static final String AGENT_NAMESPACE = "keelson-system";
  /** The chart's default javaOptions in its default container, read from the chart's values. */
  static final List<String> JVM_OPTIONS = ChartJvm.options();
  private static final String API_TOKEN = "bench-api-token";
  private static final String WEBHOOK_SECRET = "bench-webhook-secret";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final AgentProcess process;
  private final List<String> sources;

  private BenchAgent(String name, AgentProcess process, List<String> sources) {
    this.name = name;
    this.process = process;
    this.sources = sources;
  }

  /** Where the release controller finds Prometheus, and how often it ticks; null leaves it off. */
  record Releases(URI prometheusUrl) {}

  /**
   * {@code shardGroup}: the lease name replicas sharing the sources by one Lease per source have in common; null
   * for one Lease of the agent's own, as without sharding.
   */
  record Settings(String name, SourceLayout layout, Path kubeconfig, String gitUrl, Duration interval,
      Releases releases, String shardGroup) {

    Settings(String name, SourceLayout layout, Path kubeconfig, String gitUrl, Duration interval,
        Releases releases) {
      this(name, layout, kubeconfig, gitUrl, interval, releases, null);
    }

    /** One source rendering {@link BenchRepo#PATH}. */
    Settings(String name, String source, Path kubeconfig, String gitUrl, Duration interval, Releases releases) {
      this(name, new SourceLayout(source, 1), kubeconfig, gitUrl, interval, releases);
    }

    /** The same agent as replica {@code name} of {@code group}, sharing the sources with the group's others. */
    Settings sharded(String replica, String group) {
      return new Settings(replica, layout, kubeconfig, gitUrl, interval, releases, group);
    }
  }

  /** The namespace the agent keeps its Lease, inventories and status in, as the Helm chart creates it. */
  static void createNamespace(io.fabric8.kubernetes.client.KubernetesClient client) {
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
        .withName(AGENT_NAMESPACE).endMetadata().build()).serverSideApply();
  }

  static BenchAgent start(Settings settings, Path workDir) {
    int port = LoopbackPorts.free();
    int adminPort = LoopbackPorts.free();
    try {
      Path dir = Files.createDirectories(workDir.resolve(settings.name()));
      Files.writeString(dir.resolve("api-token"), API_TOKEN);
      Files.writeString(dir.resolve("webhook-secret"), WEBHOOK_SECRET);
      Releases releases = settings.releases();
      String releaseController = releases == null ? "releaseController: {enabled: false}" : """
          releaseController:
            prometheusUrl: %s
            queryTimeout: 3s""".formatted(releases.prometheusUrl());
      SourceLayout layout = settings.layout();
      StringBuilder sources = new StringBuilder();
      for (int i = 0; i < layout.count(); i++) {
        sources.append("""
              - name: %s
                url: %s
                ref: main
                paths: [%s]
                interval: %dms
                timeout: 60s
                healthTimeout: 0s
                defaultNamespace: default
                webhookSecret: {file: %s/webhook-secret}
            """.formatted(layout.names().get(i), settings.gitUrl(), layout.path(i), settings.interval().toMillis(),
            dir));
      }
      Path config = dir.resolve("keelson.yml");
      Files.writeString(config, """
          agentNamespace: %1$s
          identity: %2$s
          kubeconfig: %3$s
          cacheDirectory: %4$s/cache
          apiToken: {file: %4$s/api-token}
          sources:
          %5$s
          %6$s
          leaderElection:
            enabled: true
            leaseName: %9$s
            sharded: %10$s
            leaseDuration: 15s
            renewDeadline: 10s
            retryPeriod: 2s
          server:
            applicationConnectors: [{type: http, bindHost: 127.0.0.1, port: %7$d}]
            adminConnectors: [{type: http, bindHost: 127.0.0.1, port: %8$d}]
            requestLog: {appenders: []}
          logging:
            level: INFO
          """.formatted(AGENT_NAMESPACE, settings.name(), settings.kubeconfig(), dir, sources.toString().stripTrailing(),
          releaseController, port, adminPort,
          settings.shardGroup() == null ? settings.name() : settings.shardGroup(), settings.shardGroup() != null));
      return new BenchAgent(settings.name(),
          AgentProcess.start(settings.name(), config, dir, port, adminPort, JVM_OPTIONS), layout.names());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the agent's configuration", e);
    }
  }

  /** A GitHub-style push webhook with a valid HMAC signature to every source; the agent answers 202 and syncs. */
  void webhook() {
    sources.forEach(this::webhook);
  }

  /** The webhook of one source; sharded, only its holder accepts it. */
  void webhook(String source) {
    byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> response = send(HttpRequest.newBuilder(process.url("/hooks/" + source))
        .header("Content-Type", "application/json")
        .header("X-Hub-Signature-256", WebhookSignatures.githubSignature(WEBHOOK_SECRET, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    expect(response, 202, "webhook of " + source + " to " + name);
  }

  /** The replica's identity (its Lease holder name). */
  String name() {
    return name;
  }

  /** A manual sync of every source with the bearer token, as the on-call engineer would ask for one. */
  void manualSync() {
    for (String source : sources) {
      HttpResponse<String> response = send(HttpRequest.newBuilder(
              process.url("/api/v1/sources/" + source + "/sync"))
          .header("Authorization", "Bearer " + API_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException("manual sync answered " + response.statusCode() + ": " + response.body());
      }
    }
  }

  /** Every source's entry in {@code GET /api/v1/status}, in the layout's order (missing nodes for unknown ones). */
  List<JsonNode> sourceStatuses() {
    HttpResponse<String> response = send(HttpRequest.newBuilder(process.url("/api/v1/status"))
        .timeout(Duration.ofSeconds(10)).build());
    expect(response, 200, "status");
    try {
      Map<String, JsonNode> views = new HashMap<>();
      for (JsonNode view : JSON.readTree(response.body()).path("sources")) {
        views.put(view.path("name").asText(), view);
      }
      return sources.stream().map(source -> views.getOrDefault(source, JSON.missingNode())).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable status", e);
    }
  }

  /** Waits until the status shows {@code commit} applied by every source; returns their status then. */
  List<JsonNode> awaitApplied(String commit, Duration timeout) {
    return Waiter.await("revision " + commit + " applied by " + sources, timeout, Duration.ofMillis(50), () -> {
      List<JsonNode> views = sourceStatuses();
      return views.stream().allMatch(view -> commit.equals(view.path("applied").path("sha").asText())) ? views : null;
    }, this::exited);
  }

  /**
   * Waits until syncs that finished after {@code since} show {@code commit} applied by every source: a restarted
   * agent shows its stored status at once, before its own first sync has run.
   */
  List<JsonNode> awaitSyncedSince(String commit, java.time.Instant since, Duration timeout) {
    return Waiter.await("a sync of " + commit + " by " + sources + " after " + since, timeout, Duration.ofMillis(50),
        () -> {
          List<JsonNode> views = sourceStatuses();
          return views.stream().allMatch(view -> {
            String finished = view.path("lastSync").path("finishedAt").asText("");
            boolean fresh = !finished.isEmpty() && java.time.Instant.parse(finished).isAfter(since);
            return fresh && commit.equals(view.path("applied").path("sha").asText());
          }) ? views : null;
        }, this::exited);
  }

  /** The agent's heap in use, from its own metrics ({@code jvm_memory_used_bytes{area="heap"}}). */
  long heapBytes() {
    HttpResponse<String> response = send(HttpRequest.newBuilder(process.adminUrl("/metrics")).build());
    expect(response, 200, "admin metrics");
    return (long) response.body().lines()
        .filter(line -> line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** Null while the agent runs; else why waiting for it is pointless. */
  String exited() {
    return process.isAlive() ? null : "the agent exited:\n" + process.logTail();
  }

  ProcessUsage usage() {
    return process.usage();
  }

  Duration cpuTime() {
    return process.cpuTime();
  }

  String logTail() {
    return process.logTail();
  }

  private static void expect(HttpResponse<String> response, int status, String what) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(what + " answered " + response.statusCode() + ": " + response.body());
    }
  }

  private static HttpResponse<String> send(HttpRequest request) {
    return LoopbackHttp.send(request);
  }


  @Override
  public void close() {
    process.close();
  }
}
