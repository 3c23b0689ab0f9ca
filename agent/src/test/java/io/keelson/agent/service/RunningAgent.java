package io.keelson.agent.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.DropwizardTestSupport;
import io.keelson.agent.KeelsonApplication;
import io.keelson.agent.auth.WebhookSignatures;
import io.keelson.agent.config.KeelsonConfiguration;
import io.keelson.testkit.LoopbackHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A whole agent process (the Dropwizard application) on 127.0.0.1, configured by a generated file. */
final class RunningAgent implements AutoCloseable {

  static final String API_TOKEN = "test-api-token";
  static final String WEBHOOK_SECRET = "test-webhook-secret";
  static final String GIT_USER = "keelson";
  static final String GIT_PASSWORD = "git-password";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final DropwizardTestSupport<KeelsonConfiguration> support;
  private final Path dir;

  private RunningAgent(DropwizardTestSupport<KeelsonConfiguration> support, Path dir) {
    this.support = support;
    this.dir = dir;
  }

  /**
   * Settings a test varies; everything else is fixed.
   *
   * @param sources the sources' names, each syncing the directory of its name; the first is the webhook's
   * @param healthTimeout how long each sync waits for what it applied to become ready
   * @param prometheus the release controller's Prometheus; null leaves it at its default
   * @param election whether the agent campaigns for one Lease, for one Lease per source, or writes alone
   * @param allowMassPrune whether a prune of most of a source's objects proceeds, or is refused
   */
  record Settings(String identity, String namespace, Path kubeconfig, String gitUrl, String interval, Path workDir,
      List<String> sources, String healthTimeout, URI prometheus, Election election, boolean allowMassPrune) {

    Settings(String identity, String namespace, Path kubeconfig, String gitUrl, String interval, Path workDir) {
      this(identity, namespace, kubeconfig, gitUrl, interval, workDir, "0s");
    }

    Settings(String identity, String namespace, Path kubeconfig, String gitUrl, String interval, Path workDir,
        String healthTimeout) {
      this(identity, namespace, kubeconfig, gitUrl, interval, workDir, List.of("apps"), healthTimeout, null,
          Election.SINGLE, true);
    }

    Settings withReleases(URI prometheusUrl, List<String> sourceNames, String timeout) {
      return new Settings(identity, namespace, kubeconfig, gitUrl, interval, workDir, sourceNames, timeout,
          prometheusUrl, election, allowMassPrune);
    }

    /** A single replica that elects no leader: nothing but its own stop closes its write fence. */
    Settings withoutLeaderElection() {
      return new Settings(identity, namespace, kubeconfig, gitUrl, interval, workDir, sources, healthTimeout,
          prometheus, Election.NONE, allowMassPrune);
    }

    /** One replica of several sharing {@code sourceNames}, one Lease per source. */
    Settings sharded(List<String> sourceNames) {
      return new Settings(identity, namespace, kubeconfig, gitUrl, interval, workDir, sourceNames, healthTimeout,
          prometheus, Election.SHARDED, allowMassPrune);
    }

    /** The shipped prune guard: a prune of most of a source's objects is refused. */
    Settings withMassPruneGuard() {
      return new Settings(identity, namespace, kubeconfig, gitUrl, interval, workDir, sources, healthTimeout,
          prometheus, election, false);
    }
  }

  /** How replicas coordinate: not at all, one Lease for everything, or one Lease per source. */
  enum Election { NONE, SINGLE, SHARDED }

  static RunningAgent start(Settings settings) {
    try {
      DropwizardTestSupport<KeelsonConfiguration> support =
          new DropwizardTestSupport<>(KeelsonApplication.class, configure(settings, 0, 0).toString());
      support.before();
      return new RunningAgent(support, settings.workDir().resolve(settings.identity()));
    } catch (Exception e) {
      throw new IllegalStateException("the agent did not start: " + e.getMessage(), e);
    }
  }

  /**
   * Writes the agent's configuration file (and the secrets it names) under {@code workDir/identity}, listening
   * on {@code port} and {@code adminPort} of 127.0.0.1 (0: any free port); returns the file.
   */
  static Path configure(Settings settings, int port, int adminPort) throws IOException {
    Path dir = Files.createDirectories(settings.workDir().resolve(settings.identity()));
    Files.writeString(dir.resolve("api-token"), API_TOKEN);
    Files.writeString(dir.resolve("webhook-secret"), WEBHOOK_SECRET);
    Files.writeString(dir.resolve("git-password"), GIT_PASSWORD);
    Path config = dir.resolve("keelson.yml");
    StringBuilder sources = new StringBuilder();
    for (String source : settings.sources()) {
      sources.append("""
            - name: %1$s
              url: %3$s
              ref: main
              paths: [%1$s]
              interval: %4$s
              timeout: 5s
              healthTimeout: %5$s
              defaultNamespace: %2$s
              credentials:
                username: %7$s
                password: {file: %6$s/git-password}
              webhookSecret: {file: %6$s/webhook-secret}
              prune: {allowMassPrune: %8$s}
          """.formatted(source, settings.namespace(), settings.gitUrl(), settings.interval(),
          settings.healthTimeout(), dir, GIT_USER, settings.allowMassPrune()));
    }
    // Releases are watched in the allowed namespaces only: other tests' policies stay theirs.
    String releases = settings.prometheus() == null ? "" : """
        allowedNamespaces: [%2$s]
        releaseController:
          prometheusUrl: %s
          queryTimeout: 3s
        """.formatted(settings.prometheus(), settings.namespace());
    Files.writeString(config, """
        agentNamespace: %2$s
        identity: %1$s
        kubeconfig: %3$s
        cacheDirectory: %4$s/cache
        apiToken: {file: %4$s/api-token}
        sources:
        %5$s%6$s
        leaderElection:
          enabled: %7$s
          sharded: %8$s
          leaseName: keelson-%2$s
          leaseDuration: 4s
          renewDeadline: 3s
          retryPeriod: 500ms
        server:
          applicationConnectors: [{type: http, bindHost: 127.0.0.1, port: %9$d}]
          adminConnectors: [{type: http, bindHost: 127.0.0.1, port: %10$d}]
        logging:
          level: INFO
          appenders:
            - type: console
            - {type: file, currentLogFilename: %4$s/agent.log, archive: false}
        """.formatted(settings.identity(), settings.namespace(), settings.kubeconfig(), dir, sources, releases,
            settings.election() != Election.NONE, settings.election() == Election.SHARDED, port, adminPort));
    return config;
  }

  /** Everything the agent logged. */
  Path logFile() {
    return dir.resolve("agent.log");
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + support.getLocalPort() + path);
  }

  URI adminUrl(String path) {
    return URI.create("http://127.0.0.1:" + support.getAdminPort() + path);
  }

  JsonNode status() {
    try {
      return JSON.readTree(get(url("/api/v1/status")).body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode source(String name) {
    for (JsonNode source : status().path("sources")) {
      if (name.equals(source.path("name").asText())) {
        return source;
      }
    }
    return JSON.missingNode();
  }

  /** The value of one sample in the admin /metrics, e.g. {@code keelson_syncs_total{outcome="APPLIED",source="apps"}}; 0 when absent. */
  double metric(String sample) {
    for (String line : get(adminUrl("/metrics")).body().split("\n")) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1).trim());
      }
    }
    return 0;
  }

  HttpResponse<String> get(URI uri) {
    return send(HttpRequest.newBuilder(uri).GET().build());
  }

  HttpResponse<String> webhook(String source, byte[] body, String signature) {
    HttpRequest.Builder request = HttpRequest.newBuilder(url("/hooks/" + source))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) {
      request.header("X-Hub-Signature-256", signature);
    }
    return send(request.build());
  }

  /** The same, with the body streamed in chunks: the server learns its length only by reading it. */
  HttpResponse<String> webhookStreamed(String source, byte[] body, String signature) {
    return send(HttpRequest.newBuilder(url("/hooks/" + source)).header("Content-Type", "application/json")
        .header("X-Hub-Signature-256", signature)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build());
  }

  HttpResponse<String> signedWebhook(String source) {
    return send(signedWebhook(url("/hooks/" + source)));
  }

  /** A push webhook to {@code hook}, signed with the secret every test agent has. */
  static HttpRequest signedWebhook(URI hook) {
    byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
    return HttpRequest.newBuilder(hook).header("Content-Type", "application/json")
        .header("X-Hub-Signature-256", WebhookSignatures.githubSignature(WEBHOOK_SECRET, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  HttpResponse<String> manualSync(String source, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(url("/api/v1/sources/" + source + "/sync"))
        .POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  HttpResponse<String> releaseAction(String namespace, String policy, String action, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(url("/api/v1/releases/" + namespace + "/" + policy + "/"
        + action)).header("X-Keelson-Actor", "alice").POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    return LoopbackHttp.send(request);
  }


  @Override
  public void close() {
    support.after();
  }
}
