package io.keelson.sandbox;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.mesh.MeshOptions;
import io.keelson.mesh.MeshSimulator;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.RouterKind;
import io.keelson.testkit.AgentProcess;
import io.keelson.testkit.ChartJvm;
import io.keelson.testkit.Cluster;
import io.keelson.testkit.GitHttpServer;
import io.keelson.testkit.LoopbackPorts;
import io.keelson.testkit.PrometheusServer;
import io.keelson.testkit.ProjectTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keelson on a laptop: a control plane that runs workloads on fake nodes, Istio's and Keelson's CRDs,
 * the config repository served over smart HTTP ({@code git http-backend}), Prometheus, the mesh simulator with steady traffic, and the
 * agent as its own JVM. Everything listens on 127.0.0.1; {@link #close()} stops all of it.
 */
public final class Sandbox implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Sandbox.class);
  static final String SOURCE = "sandbox";
  static final String REPOSITORY = "config";
  static final String AGENT_NAMESPACE = "keelson-system";

  private final SandboxOptions options;
  private final AgentLauncher launcher;
  private final List<AutoCloseable> started = new ArrayList<>();
  private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "sandbox-traffic");
    thread.setDaemon(true);
    return thread;
  });
  private Cluster cluster;
  private SandboxRepo repo;
  private PrometheusServer prometheus;
  private MeshSimulator mesh;
  private AgentFiles agentFiles;
  private AgentProcess agent;
  private Path kubeconfig;
  private String gitUrl;
  private int agentPort;
  private int adminPort;
  private volatile double requestsPerSecond;

  /**
   * How the sandbox runs its agent, once the cluster, Git and Prometheus are up: by default the shaded jar as
   * its own JVM with the sandbox's configuration and the chart's JVM options ({@link ChartJvm}); a test may run it
   * otherwise (e.g. from the container image).
   * The agent must serve its application port on 127.0.0.1:{@code port} and its admin port on {@code adminPort}.
   */
  @FunctionalInterface
  public interface AgentLauncher {
    AgentProcess start(Sandbox sandbox, int port, int adminPort);
  }

  private Sandbox(SandboxOptions options, AgentLauncher launcher) {
    this.options = options;
    this.requestsPerSecond = options.requestsPerSecond();
    this.launcher = launcher;
  }

  public static Sandbox start(SandboxOptions options) {
    return start(options, (sandbox, port, adminPort) -> AgentProcess.start("keelson-agent",
        sandbox.agentFiles.config(), options.directory().resolve("agent"), port, adminPort, ChartJvm.options()));
  }

  public static Sandbox start(SandboxOptions options, AgentLauncher launcher) {
    Sandbox sandbox = new Sandbox(options, launcher);
    try {
      sandbox.startAll();
      return sandbox;
    } catch (RuntimeException e) {
      sandbox.close();
      throw e;
    }
  }

  private void startAll() {
    Path root = ProjectTools.projectRoot();
    repo = SandboxRepo.openOrSeed(options.directory().resolve(REPOSITORY), root);

    cluster = track(Cluster.start(options.nodes()));
    KubernetesClient client = cluster.client();
    kubeconfig = options.directory().resolve("kubeconfig");
    try {
      // A stable path for kubectl across restarts (the control plane's own directory is temporary).
      Files.writeString(kubeconfig, cluster.controlPlane().kubeconfig());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + kubeconfig, e);
    }
    cluster.controlPlane().installCrds("crds/istio-networking.yaml");
    cluster.controlPlane().installGatewayApiCrds();
    cluster.controlPlane().installCrds("crds/releasepolicies.keelson.io.yaml");
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(AGENT_NAMESPACE).endMetadata()
        .build()).serverSideApply();

    GitHttpServer git = track(GitHttpServer.serve(options.directory()));
    gitUrl = git.url(REPOSITORY);
    prometheus = track(PrometheusServer.start(options.scrapeInterval()));
    mesh = track(MeshSimulator.start(cluster.controlPlane().newClient(), MeshOptions.defaults()));
    prometheus.addTarget("mesh", mesh.metricsTarget(), Map.of("source", "mesh-simulator"));
    refreshTraffic();
    mesh.load().start();
    refresher.scheduleWithFixedDelay(this::refreshTrafficQuietly, 2, 2, TimeUnit.SECONDS);

    agentPort = options.agentPort() != 0 && LoopbackPorts.isFree(options.agentPort())
        ? options.agentPort() : LoopbackPorts.free();
    adminPort = options.agentPort() != 0 && LoopbackPorts.isFree(options.agentPort() + 1)
        ? options.agentPort() + 1 : LoopbackPorts.free();
    agentFiles = AgentFiles.write(options.directory().resolve("agent"), new AgentFiles.Settings(
        cluster.controlPlane().kubeconfigFile(), gitUrl, options.pollInterval(),
        prometheus.url(), options.router(), agentPort, adminPort, repo.ageKeyFile(),
        ProjectTools.run("kustomize"), ProjectTools.run("helm")));
    repo.installCommitHook(url("/hooks/" + SOURCE).toString(), agentFiles.webhookSecretFile().toString());
    startAgent();
    prometheus.addTarget("agent", "127.0.0.1:" + adminPort, Map.of("source", "keelson-agent"));
  }

  private <T extends AutoCloseable> T track(T closeable) {
    started.add(closeable);
    return closeable;
  }

  private void refreshTrafficQuietly() {
    try {
      refreshTraffic();
    } catch (RuntimeException e) {
      LOG.debug("traffic not refreshed: {}", e.toString());
    }
  }

  /** Keeps the load in step with what is deployed: new Services and policies get traffic within seconds. */
  private void refreshTraffic() {
    KubernetesClient client = cluster.client();
    List<ReleasePolicy> policies = client.resources(ReleasePolicy.class).inAnyNamespace().list().getItems();
    mesh.load().setSources(new MeshTraffic(requestsPerSecond, options.testRequestsPerSecond())
        .sources(client.services().inAnyNamespace().list().getItems(), policies));
  }

  /**
   * Changes the steady load per application Service (at first {@link SandboxOptions#requestsPerSecond()}); takes
   * effect at once.
   */
  public void setRequestsPerSecond(double value) {
    requestsPerSecond = value;
    refreshTraffic();
  }

  /** Starts the agent (again, after {@link #killAgent()}). */
  public void startAgent() {
    agent = launcher.start(this, agentPort, adminPort);
  }

  /** SIGKILLs the agent's JVM, as a node failure would. */
  public void killAgent() {
    agent.kill();
  }

  /** Stops Prometheus for good (the release controller then sees ERROR verdicts). */
  public void stopPrometheus() {
    prometheus.close();
  }

  public URI url(String path) {
    return URI.create("http://127.0.0.1:" + agentPort + path);
  }

  public URI adminUrl(String path) {
    return URI.create("http://127.0.0.1:" + adminPort + path);
  }

  /** The admin kubeconfig, for kubectl. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  public KubernetesClient client() {
    return cluster.client();
  }

  public Cluster cluster() {
    return cluster;
  }

  public SandboxRepo repo() {
    return repo;
  }

  public MeshSimulator mesh() {
    return mesh;
  }

  public SandboxOptions options() {
    return options;
  }

  public PrometheusServer prometheus() {
    return prometheus;
  }

  public AgentProcess agent() {
    return agent;
  }

  /** Where the agent fetches the config repository from (smart HTTP). */
  public String gitUrl() {
    return gitUrl;
  }

  /** The file holding the bearer token for the agent's mutating endpoints. */
  public Path apiTokenFile() {
    return agentFiles.apiTokenFile();
  }

  /** The bearer token for the agent's mutating endpoints. */
  public String apiToken() {
    return agentFiles.apiToken();
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    if (agent != null) {
      agent.close();
    }
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", started.get(i).getClass().getSimpleName(), e.toString());
      }
    }
  }

  /** The agent's configuration and secret files, written into the sandbox directory on every start. */
  record AgentFiles(Path config, Path webhookSecretFile, Path apiTokenFile, String apiToken) {

    /** {@code ageKeyFile}: the key the repository's SOPS files are encrypted for; the pinned Kustomize and Helm. */
    record Settings(Path kubeconfig, String gitUrl, java.time.Duration pollInterval, URI prometheusUrl,
        RouterKind router, int port, int adminPort, Path ageKeyFile, String kustomize, String helm) {}

    static AgentFiles write(Path dir, Settings settings) {
      try {
        Files.createDirectories(dir);
        String apiToken = randomSecret();
        Path tokenFile = dir.resolve("api-token");
        Path webhookFile = dir.resolve("webhook-secret");
        Files.writeString(tokenFile, apiToken);
        Files.writeString(webhookFile, randomSecret());
        Path config = dir.resolve("keelson.yml");
        Files.writeString(config, """
            # Written by the sandbox on every start.
            agentNamespace: %s
            identity: sandbox-agent
            kubeconfig: %s
            cacheDirectory: %s
            apiToken: {file: %s}
            sources:
              - name: %s
                url: %s
                ref: main
                paths: [%s, policies]
                interval: %dms
                timeout: 10s
                healthTimeout: 60s
                defaultNamespace: default
                webhookSecret: {file: %s}
                sops: {ageKeyFile: %s}
            render:
              kustomizeBinary: %s
              helmBinary: %s
            releaseController:
              prometheusUrl: %s
              queryTimeout: 3s
              router: %s
            leaderElection:
              enabled: true
              leaseName: keelson-agent
              leaseDuration: 4s
              renewDeadline: 3s
              retryPeriod: 500ms
            server:
              applicationConnectors: [{type: http, bindHost: 127.0.0.1, port: %d}]
              adminConnectors: [{type: http, bindHost: 127.0.0.1, port: %d}]
              requestLog: {appenders: []}
            logging:
              level: INFO
            """.formatted(AGENT_NAMESPACE, settings.kubeconfig(), dir.resolve("cache"), tokenFile, SOURCE,
            settings.gitUrl(), SandboxRepo.OVERLAY, settings.pollInterval().toMillis(), webhookFile,
            settings.ageKeyFile(), settings.kustomize(), settings.helm(), settings.prometheusUrl(),
            settings.router().value(), settings.port(), settings.adminPort()));
        return new AgentFiles(config, webhookFile, tokenFile, apiToken);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the agent's files into " + dir, e);
      }
    }

    private static String randomSecret() {
      byte[] bytes = new byte[24];
      new SecureRandom().nextBytes(bytes);
      return HexFormat.of().formatHex(bytes);
    }
  }
}
