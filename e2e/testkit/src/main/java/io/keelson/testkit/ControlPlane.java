package io.keelson.testkit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd + kube-apiserver on 127.0.0.1, started with controller-runtime envtest's flags, with an
 * admin user authenticated by client certificate (group system:masters, RBAC authorization on) and an
 * audit log of every write ({@link #auditLog()}).
 */
public final class ControlPlane implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ControlPlane.class);

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final String ADMIN_USER = "keelson-admin";

  private final Path workDir;
  private final List<SupervisedProcess> processes = new ArrayList<>();
  private final ControlPlaneBinaries binaries;
  private URI apiServerUrl;
  private String kubeconfig;
  private Path kubeconfigFile;
  private KubernetesClient client;

  private ControlPlane(ControlPlaneBinaries binaries, Path workDir) {
    this.binaries = binaries;
    this.workDir = workDir;
  }

  public static ControlPlane start() {
    return start(ControlPlaneBinaries.locate());
  }

  public static ControlPlane start(ControlPlaneBinaries binaries) {
    Path workDir;
    try {
      workDir = Files.createTempDirectory("keelson-control-plane-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory", e);
    }
    ControlPlane plane = new ControlPlane(binaries, workDir);
    long start = System.nanoTime();
    try {
      plane.startEtcd();
      plane.startApiServer();
      LOG.info("etcd + kube-apiserver ready at {} in {} ms", plane.apiServerUrl, (System.nanoTime() - start) / 1_000_000);
      return plane;
    } catch (RuntimeException | IOException e) {
      plane.close();
      throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
    }
  }

  private String etcdUrl;

  private void startEtcd() {
    int clientPort = LoopbackPorts.free();
    int peerPort = LoopbackPorts.free();
    etcdUrl = "http://127.0.0.1:" + clientPort;
    String peerUrl = "http://127.0.0.1:" + peerPort;
    SupervisedProcess etcd = SupervisedProcess.start("etcd", workDir, List.of(
        binaries.etcd().toString(),
        "--name=keelson-test",
        "--data-dir=" + workDir.resolve("etcd-data"),
        "--listen-client-urls=" + etcdUrl,
        "--advertise-client-urls=" + etcdUrl,
        "--listen-peer-urls=" + peerUrl,
        "--initial-advertise-peer-urls=" + peerUrl,
        "--initial-cluster=keelson-test=" + peerUrl,
        // Tests do not need durability across power loss; envtest skips fsync for speed too.
        "--unsafe-no-fsync=true",
        "--log-level=warn"));
    processes.add(etcd);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Waiter.await("etcd at " + etcdUrl, START_TIMEOUT, Duration.ofMillis(100), () -> {
      try {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(etcdUrl + "/health"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        return health.statusCode() == 200 && health.body().contains("\"true\"") ? Boolean.TRUE : null;
      } catch (IOException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }, () -> exited(etcd));
  }

  private void startApiServer() throws IOException {
    Path certs = Files.createDirectories(workDir.resolve("certs"));
    Certificates authority = new Certificates();
    Files.writeString(certs.resolve("ca.crt"), authority.caPem());
    authority.serving("kube-apiserver").writeTo(certs.resolve("apiserver.crt"), certs.resolve("apiserver.key"));
    Files.writeString(certs.resolve("sa.key"), authority.serviceAccountKey());
    Certificates.PemPair admin = authority.client(ADMIN_USER, "system:masters");

    Path auditPolicy = workDir.resolve("audit-policy.yaml");
    Files.writeString(auditPolicy, AuditLog.POLICY);
    int port = LoopbackPorts.free();
    apiServerUrl = URI.create("https://127.0.0.1:" + port);
    SupervisedProcess apiServer = SupervisedProcess.start("kube-apiserver", workDir, List.of(
        binaries.kubeApiServer().toString(),
        "--advertise-address=127.0.0.1",
        "--bind-address=127.0.0.1",
        "--secure-port=" + port,
        "--etcd-servers=" + etcdUrl,
        "--cert-dir=" + certs,
        "--tls-cert-file=" + certs.resolve("apiserver.crt"),
        "--tls-private-key-file=" + certs.resolve("apiserver.key"),
        "--client-ca-file=" + certs.resolve("ca.crt"),
        "--authorization-mode=RBAC",
        "--service-cluster-ip-range=10.0.0.0/24",
        "--allow-privileged=true",
        "--disable-admission-plugins=ServiceAccount",
        "--service-account-issuer=" + apiServerUrl + "/",
        "--service-account-key-file=" + certs.resolve("sa.key"),
        "--service-account-signing-key-file=" + certs.resolve("sa.key"),
        // Writes only, so tests can tell who wrote what (see AuditLog); one line per write.
        "--audit-policy-file=" + auditPolicy,
        "--audit-log-path=" + workDir.resolve("audit.log"),
        "--audit-log-format=json",
        "--audit-log-maxsize=100",
        "--audit-log-maxbackup=1",
        "--v=0"));
    processes.add(apiServer);

    kubeconfig = kubeconfig(authority.caPem(), admin);
    kubeconfigFile = workDir.resolve("kubeconfig");
    Files.writeString(kubeconfigFile, kubeconfig);
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
    Waiter.await("kube-apiserver at " + apiServerUrl + "/readyz", START_TIMEOUT, Duration.ofMillis(200),
        () -> "ok".equals(client.raw("/readyz")) ? Boolean.TRUE : null, () -> exited(apiServer));
  }

  private String kubeconfig(String caPem, Certificates.PemPair admin) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: keelson-test
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:
            client-certificate-data: %s
            client-key-data: %s
        contexts:
        - name: keelson-test
          context:
            cluster: keelson-test
            user: %s
            namespace: default
        current-context: keelson-test
        """.formatted(apiServerUrl, base64(caPem), ADMIN_USER, base64(admin.certificate()),
        base64(admin.privateKey()), ADMIN_USER);
  }

  private static String base64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
  }

  static String exited(SupervisedProcess process) {
    return process.isAlive() ? null : process.name() + " exited:\n" + process.logTail();
  }

  /** The admin client; shared, closed with the control plane. */
  public KubernetesClient client() {
    return client;
  }

  /** A new admin client the caller owns (for code under test that closes its client). */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
  }

  public URI apiServerUrl() {
    return apiServerUrl;
  }

  /** The admin kubeconfig's content. */
  public String kubeconfig() {
    return kubeconfig;
  }

  /** The admin kubeconfig as a file, for kubectl. */
  public Path kubeconfigFile() {
    return kubeconfigFile;
  }

  /** The writes this API server completed, as its audit log records them. */
  public AuditLog auditLog() {
    return new AuditLog(workDir.resolve("audit.log"));
  }

  public ControlPlaneBinaries binaries() {
    return binaries;
  }

  /** The directory holding this control plane's data, certificates and logs; removed on close. */
  Path workDir() {
    return workDir;
  }

  /** The first of this control plane's servers that has exited, with its log tail; null while all run. */
  String exitedServer() {
    return processes.stream().map(ControlPlane::exited).filter(java.util.Objects::nonNull).findFirst().orElse(null);
  }

  /** Starts a server beside the control plane; it is stopped before the API server on close. */
  SupervisedProcess supervise(String name, List<String> command) {
    SupervisedProcess process = SupervisedProcess.start(name, workDir, command);
    processes.add(process);
    return process;
  }

  /**
   * Applies the CustomResourceDefinitions in a classpath resource (multi-document YAML allowed) and waits
   * until each is Established, so its kind can be used at once.
   */
  public List<CustomResourceDefinition> installCrds(String classpathResource) {
    try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(classpathResource)) {
      if (in == null) {
        throw new IllegalArgumentException("no CRD resource " + classpathResource + " on the test classpath");
      }
      return installCrds(in, classpathResource);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + classpathResource, e);
    }
  }

  /** The Gateway API's CRDs (standard channel, pinned release; see {@link GatewayApiCrds}), Established. */
  public List<CustomResourceDefinition> installGatewayApiCrds() {
    return installCrds(GatewayApiCrds.locate());
  }

  /** The CustomResourceDefinitions in a YAML file (multi-document allowed), Established. */
  public List<CustomResourceDefinition> installCrds(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return installCrds(in, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private List<CustomResourceDefinition> installCrds(InputStream in, String origin) {
    List<CustomResourceDefinition> installed = new ArrayList<>();
    for (HasMetadata item : client.load(in).items()) {
      if (!(item instanceof CustomResourceDefinition crd)) {
        throw new IllegalArgumentException(origin + " holds a " + item.getKind() + ", not a CRD");
      }
      crd.getMetadata().setResourceVersion(null);
      installed.add(client.resource(crd).fieldManager("keelson-testkit").forceConflicts().serverSideApply());
    }
    for (CustomResourceDefinition crd : installed) {
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(ControlPlane::established, 60, TimeUnit.SECONDS);
    }
    return installed;
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    // API server first, so it does not log etcd connection errors while stopping.
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    deleteRecursively(workDir);
  }

  static void deleteRecursively(Path dir) {
    if (dir == null || Files.notExists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }
}
