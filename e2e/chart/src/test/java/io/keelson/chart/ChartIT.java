package io.keelson.chart;

import static io.keelson.testkit.Rendered.at;
import static io.keelson.testkit.Rendered.list;
import static io.keelson.testkit.Rendered.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.keelson.agent.KeelsonApplication;
import io.keelson.agent.config.KeelsonConfiguration;
import io.keelson.agent.metrics.AgentMetrics;
import io.keelson.testkit.ChartJvm;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.LoopbackHttp;
import io.keelson.testkit.ProjectTools;
import io.keelson.testkit.Rendered;
import io.keelson.testkit.TestNamespace;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * charts/keelson, linted and rendered by the pinned Helm: what it renders (security, probes, RBAC per mode,
 * secrets by reference only), whether the agent accepts the configuration it renders, and whether the real
 * API server accepts its objects.
 */
@ControlPlaneTest(crds = {"chart-crds/releasepolicies.keelson.io.yaml", "crds/monitoring-coreos.yaml"})
class ChartIT {

  private static final String RELEASE_NAMESPACE = "keelson-system";
  private static final String HTTP_PORT = "http";
  private static final Set<String> FILE_REFERENCE_KEYS =
      Set.of("file", "sshKeyFile", "knownHostsFile", "gpgKeyring", "sshAllowedSigners", "ageKeyFile", "pgpKeyFile");

  @TempDir
  static Path work;

  private static Helm helm;

  @BeforeAll
  static void buildHelm() {
    helm = Helm.locate(work);
  }

  @Test
  void lintPassesPlainAndStrictWithBothValueSets() {
    for (String flags : List.of("", "--strict")) {
      assertLintPasses(flags.isEmpty() ? helm.lint() : helm.lint(flags));
      assertLintPasses(flags.isEmpty() ? helm.lint("--values", values("production-values.yaml").toString())
          : helm.lint(flags, "--values", values("production-values.yaml").toString()));
    }
  }

  @Test
  void defaultValuesRenderALockedDownSingleAgentWithClusterWideRbac() {
    Rendered rendered = render();

    Map<String, Object> deployment = rendered.one("Deployment");
    assertThat(at(deployment, "spec.replicas")).isEqualTo(1);
    Map<String, Object> pod = map(deployment, "spec.template.spec");
    assertThat(map(pod, "securityContext")).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 65532)
        .containsEntry("runAsGroup", 65532).containsEntry("fsGroup", 65532);
    assertThat(at(pod, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
    assertThat(at(pod, "automountServiceAccountToken")).isEqualTo(true);
    Map<String, Object> agent = map(pod, "containers.0");
    assertThat(agent).doesNotContainKey("command");
    assertThat(at(agent, "args")).isEqualTo(List.of("server", "/etc/keelson/keelson.yml"));
    assertThat(at(agent, "image")).isEqualTo("ghcr.io/keelson/agent:0.1.0");
    assertThat(map(agent, "securityContext")).containsEntry("readOnlyRootFilesystem", true)
        .containsEntry("allowPrivilegeEscalation", false);
    assertThat(at(agent, "securityContext.capabilities.drop")).isEqualTo(List.of("ALL"));
    assertThat(at(agent, "resources.limits.memory")).isEqualTo("512Mi");
    assertThat(at(agent, "resources.requests.memory")).isEqualTo("512Mi");
    assertThat(String.valueOf(env(agent, "JAVA_TOOL_OPTIONS").get("value"))).contains("-XX:MaxRAMPercentage=");
    assertThat(at(env(agent, "POD_NAME"), "valueFrom.fieldRef.fieldPath")).isEqualTo("metadata.name");
    assertThat(at(env(agent, "POD_NAMESPACE"), "valueFrom.fieldRef.fieldPath")).isEqualTo("metadata.namespace");

    // Liveness must not restart the agent for a stale Git server: /ping, not /healthcheck. Probes use the
    // application port: the admin port listens on the pod's loopback only.
    assertThat(at(agent, "livenessProbe.httpGet")).isEqualTo(Map.of("path", "/ping", "port", HTTP_PORT));
    assertThat(at(agent, "startupProbe.httpGet")).isEqualTo(Map.of("path", "/ping", "port", HTTP_PORT));
    assertThat(at(agent, "readinessProbe.httpGet")).isEqualTo(Map.of("path", "/healthcheck", "port", HTTP_PORT));
    assertThat(list(agent, "ports")).containsExactly(Map.of("name", HTTP_PORT, "containerPort", 8080, "protocol", "TCP"));
    assertThat(list(rendered.one("Service"), "spec.ports")).extracting(p -> p.get("name")).containsExactly(HTTP_PORT);
    assertThat(at(configuration(rendered), "server.adminConnectors.0.bindHost")).isEqualTo("127.0.0.1");
    assertThat(list(agent, "volumeMounts")).extracting(m -> m.get("mountPath"))
        .contains("/tmp", "/var/cache/keelson");
    assertThat(list(pod, "volumes")).filteredOn(v -> v.containsKey("emptyDir")).extracting(v -> v.get("name"))
        .containsExactlyInAnyOrder("cache", "tmp");

    assertThat(rendered.kinds()).doesNotContain("PodDisruptionBudget", "ServiceMonitor", "PrometheusRule", "Secret");
    assertThat(rendered.ofKind("ClusterRole")).hasSize(1);
    assertThat(rendered.ofKind("ClusterRoleBinding")).extracting(b -> at(b, "roleRef.name")).containsExactly("keelson");
    assertThat(rendered.ofKind("Role")).extracting(r -> at(r, "metadata.namespace")).containsExactly(RELEASE_NAMESPACE);
    // Prune needs delete; server-side apply needs create and patch; drift needs list and watch.
    assertThat(rules(rendered.one("ClusterRole"))).anySatisfy(rule -> {
      assertThat(rule.get("resources")).isEqualTo(List.of("deployments", "statefulsets", "daemonsets"));
      assertThat(rule.get("verbs")).isEqualTo(List.of("get", "list", "watch", "create", "patch", "delete"));
    });
    assertThat(rules(rendered.one("ClusterRole"))).flatExtracting(rule -> Rendered.strings(rule, "resources"))
        .doesNotContain("secrets", "*");
    assertThat(at(rendered.one("Service"), "metadata.annotations")).isNull();
  }

  @Test
  void productionValuesRenderNamespacedRbacMonitoringAndAPodDisruptionBudget() {
    Rendered rendered = render(values("production-values.yaml"));

    assertThat(at(rendered.one("Deployment"), "spec.replicas")).isEqualTo(2);
    assertThat(at(rendered.one("PodDisruptionBudget"), "spec.maxUnavailable")).isEqualTo(1);
    assertThat(rendered.kinds()).doesNotContain("ClusterRole", "ClusterRoleBinding", "Secret");
    assertThat(rendered.ofKind("Role")).extracting(r -> at(r, "metadata.namespace"))
        .containsExactlyInAnyOrder(RELEASE_NAMESPACE, "team-a", "team-b");
    assertThat(rendered.ofKind("RoleBinding")).extracting(r -> at(r, "metadata.namespace"))
        .containsExactlyInAnyOrder(RELEASE_NAMESPACE, "team-a", "team-b");
    assertThat(at(configuration(rendered), "allowedNamespaces")).isEqualTo(List.of("team-a", "team-b"));
    // Sharded replicas list the Leases every round and delete their heartbeat at stop.
    assertThat(at(configuration(rendered), "leaderElection.sharded")).isEqualTo(true);
    Map<String, Object> own = rendered.ofKind("Role").stream()
        .filter(r -> RELEASE_NAMESPACE.equals(at(r, "metadata.namespace"))).findFirst().orElseThrow();
    assertThat(list(own, "rules")).filteredOn(rule -> List.of("leases").equals(rule.get("resources")))
        .extracting(rule -> rule.get("verbs"))
        .containsExactly(List.of("get", "list", "create", "update", "patch", "delete"));

    Map<String, Object> monitor = rendered.one("ServiceMonitor");
    assertThat(at(monitor, "spec.endpoints.0")).isEqualTo(Map.of("port", HTTP_PORT, "path", "/metrics", "interval", "30s"));
    assertThat(at(monitor, "metadata.labels.release")).isEqualTo("prometheus");
    assertThat(list(rendered.one("PrometheusRule"), "spec.groups.0.rules")).extracting(r -> r.get("alert"))
        .containsExactly("KeelsonSyncFailing", "KeelsonSourceStale", "KeelsonReleaseRolledBack");
    assertThat(map(rendered.one("Service"), "metadata.annotations"))
        .containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/port", "8080");
    Map<String, Object> pod = map(rendered.one("Deployment"), "spec.template.spec");
    assertThat(at(pod, "imagePullSecrets")).isEqualTo(List.of(Map.of("name", "registry-credentials")));
  }

  /** Every secret the configuration names is a file mounted from the Secret (or ConfigMap) the values name. */
  @Test
  void secretsAreOnlyReferencedAndEachReferenceIsAMountedFile() {
    Rendered rendered = render(values("production-values.yaml"));
    assertThat(rendered.kinds()).doesNotContain("Secret");
    assertThat(rendered.objects()).allSatisfy(object -> assertThat(object).doesNotContainKey("stringData"));
    Map<String, Object> config = configuration(rendered);
    assertThat(rendered.one("ConfigMap").toString()).doesNotContain("env:");

    Map<String, Object> pod = map(rendered.one("Deployment"), "spec.template.spec");
    List<String> sources = new ArrayList<>();
    for (String file : fileReferences(config)) {
      Path path = Path.of(file);
      Map<String, Object> mount = list(pod, "containers.0.volumeMounts").stream()
          .filter(m -> path.getParent().toString().equals(m.get("mountPath"))).findFirst()
          .orElseThrow(() -> new AssertionError("no volume mounted at " + path.getParent() + " for " + file));
      assertThat(mount).containsEntry("readOnly", true);
      Map<String, Object> volume = list(pod, "volumes").stream().filter(v -> mount.get("name").equals(v.get("name")))
          .findFirst().orElseThrow();
      Map<String, Object> from = volume.containsKey("secret") ? map(volume, "secret") : map(volume, "configMap");
      Map<String, Object> item = map(from, "items.0");
      assertThat(item.get("path")).isEqualTo(path.getFileName().toString());
      sources.add(from.getOrDefault("secretName", "configMap " + from.get("name")) + "/" + item.get("key"));
    }
    assertThat(sources).containsExactlyInAnyOrder("keelson-api/api-token", "keelson-prometheus/token",
        "keelson-git-ssh/id_ed25519", "keelson-git-ssh/known_hosts", "configMap keelson-signers/allowed_signers",
        "keelson-git-token/token", "keelson-git-token/webhook", "keelson-gpg/keyring.asc", "keelson-sops/keys.txt",
        "keelson-sops/secret.asc");
  }

  @Test
  void theRenderedConfigurationPassesTheAgentsOwnCheck() throws IOException {
    for (Optional<Path> values : List.of(Optional.<Path>empty(), Optional.of(values("production-values.yaml")))) {
      Path config = writeConfiguration(values.map(this::render).orElseGet(this::render));
      assertThat(AgentConfigCheck.problems(config)).as("check of the configuration rendered with %s", values).isEmpty();
    }
  }

  @Test
  void theAgentsCheckRefusesWhatTheSchemaCannotSee() throws IOException {
    Path config = writeConfiguration(render(values("incoherent-lease-values.yaml")));
    assertThat(AgentConfigCheck.problems(config)).hasValueSatisfying(problems ->
        assertThat(problems).contains("leaderElection: need retryPeriod < renewDeadline < leaseDuration"));
  }

  @Test
  void aSourceWithoutUrlIsRefusedByTheValuesSchema() {
    Command result = helm.template(RELEASE_NAMESPACE, values("source-without-url-values.yaml"));
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("/sources/0").contains("missing property 'url'");
  }

  @Test
  void namespacedRbacWithoutNamespacesIsRefused() throws IOException {
    Path values = Files.writeString(work.resolve("namespaced-without-namespaces.yaml"), "rbac:\n  namespaced: true\n");
    Command result = helm.template(RELEASE_NAMESPACE, values);
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("rbac.namespaced needs rbac.watchNamespaces");
  }

  /** The chart ships its own copy (a chart must be self-contained); it may not drift from the source. */
  @Test
  void theChartsCrdIsTheReleaseControllersCrd() throws IOException {
    Path root = ProjectTools.projectRoot();
    assertThat(Files.readAllBytes(helm.chart().resolve("crds/releasepolicies.keelson.io.yaml")))
        .as("charts/keelson/crds/releasepolicies.keelson.io.yaml must equal the release controller's CRD;"
            + " copy it again after changing the CRD")
        .isEqualTo(Files.readAllBytes(
            root.resolve("release-controller/src/main/resources/crds/releasepolicies.keelson.io.yaml")));
  }

  /**
   * The chart's JVM options replace the image's (both set JAVA_TOOL_OPTIONS): an agent run from the image alone
   * and one installed by the chart get the same JVM.
   */
  @Test
  void theChartsJavaOptionsAreTheImages() throws IOException {
    Path root = ProjectTools.projectRoot();
    String pom = Files.readString(root.resolve("agent/pom.xml"));
    Matcher image = Pattern
        .compile("<JAVA_TOOL_OPTIONS>([^<]*)</JAVA_TOOL_OPTIONS>").matcher(pom);
    assertThat(image.find()).as("agent/pom.xml sets the image's JAVA_TOOL_OPTIONS").isTrue();
    assertThat(ChartJvm.javaOptions()).as("charts/keelson/values.yaml javaOptions must equal the image's JAVA_TOOL_OPTIONS in"
        + " agent/pom.xml; change both together").isEqualTo(image.group(1));
  }

  /** The alert rules are valid Prometheus rules, and every metric they name is one the agent exports. */
  @Test
  void alertsArePromQlOverMetricsTheAgentExports() throws IOException {
    Map<String, Object> rule = render(values("production-values.yaml")).one("PrometheusRule");
    Path rules = work.resolve("rules.yaml");
    new ObjectMapper(new YAMLFactory()).writeValue(rules.toFile(), map(rule, "spec"));
    Path promtool = Path.of(ProjectTools.run("prometheus")).resolveSibling("promtool");
    assertThat(promtool).as("promtool beside prometheus").isExecutable();
    Command check = Command.run(List.of(promtool.toString(), "check", "rules", rules.toString()), Map.of(), work,
        Duration.ofMinutes(1));
    String output = check.output();
    assertThat(check.exitCode()).as(output).isZero();
    assertThat(output).contains("SUCCESS: 3 rules found");

    Set<String> exported = exportedMetricNames();
    Set<String> used = new HashSet<>();
    Matcher names = Pattern.compile("\\bkeelson_[a-z_]+").matcher(String.valueOf(at(rule, "spec")));
    while (names.find()) {
      used.add(names.group());
    }
    assertThat(used).isNotEmpty();
    assertThat(exported).containsAll(used);
  }

  /**
   * The agent run with the chart's configuration: Dropwizard's admin tasks (unauthenticated, state-changing)
   * answer on loopback only and are not on the application port, where probes and Prometheus find /ping,
   * /healthcheck and /metrics.
   */
  @Test
  void theChartsAgentKeepsAdminTasksOnLoopbackAndServesProbesAndMetricsOnItsApplicationPort(ControlPlane controlPlane,
      TestNamespace namespace) throws Exception {
    DropwizardTestSupport<KeelsonConfiguration> agent = new DropwizardTestSupport<>(KeelsonApplication.class,
        writeConfiguration(render()).toString(),
        ConfigOverride.config("kubeconfig", controlPlane.kubeconfigFile().toString()),
        ConfigOverride.config("agentNamespace", namespace.name()),
        ConfigOverride.config("cacheDirectory", work.resolve("cache").toString()),
        // Servers in tests listen on loopback; the admin connector keeps the chart's bind host.
        ConfigOverride.config("server.applicationConnectors[0].bindHost", "127.0.0.1"),
        ConfigOverride.config("server.applicationConnectors[0].port", "0"),
        ConfigOverride.config("server.adminConnectors[0].port", "0"));
    agent.before();
    try {
      DefaultServerFactory server = (DefaultServerFactory) agent.getConfiguration().getServerFactory();
      assertThat(((HttpConnectorFactory) server.getAdminConnectors().get(0)).getBindHost()).isEqualTo("127.0.0.1");
      String app = "http://127.0.0.1:" + agent.getLocalPort();
      for (String task : List.of("/tasks/gc", "/tasks/log-level")) {
        assertThat(post(URI.create(app + task)).statusCode()).as("POST %s on the application port", task).isEqualTo(404);
      }
      assertThat(get(URI.create(app + "/ping")).statusCode()).isEqualTo(200);
      assertThat(get(URI.create(app + "/healthcheck")).statusCode()).isEqualTo(200);
      assertThat(get(URI.create(app + "/metrics")).body()).contains("jvm_memory_used_bytes");
      assertThat(post(URI.create("http://127.0.0.1:" + agent.getAdminPort() + "/tasks/gc")).statusCode())
          .as("the task answers from loopback").isEqualTo(200);

      // A connector bound to every address would also answer on 127.0.0.2; one bound to 127.0.0.1 only
      // refuses it, as it refuses the pod's network address (probed on loopback, which tests may reach).
      InetAddress otherAddress = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
      assertThatThrownBy(() -> new Socket(otherAddress, agent.getAdminPort()).close())
          .as("the admin port on an address other than 127.0.0.1").isInstanceOf(ConnectException.class);
    } finally {
      agent.after();
    }
  }

  /** Both value sets, after the chart's CRDs, against the real API server: every object passes admission. */
  @Test
  void bothValueSetsApplyToTheRealApiServerAsAServerSideDryRun(ControlPlane controlPlane, TestNamespace namespace)
      throws IOException {
    for (String name : List.of("team-a", "team-b")) {
      controlPlane.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
          .endMetadata().build()).serverSideApply();
    }
    for (Optional<Path> values : List.of(Optional.<Path>empty(), Optional.of(values("production-values.yaml")))) {
      Command result = values.map(v -> helm.template(namespace.name(), v))
          .orElseGet(() -> helm.template(namespace.name()));
      Rendered rendered = Rendered.parse(result.stdoutIfSucceeded());
      Path manifest = Files.writeString(work.resolve("rendered-" + values.isPresent() + ".yaml"), rendered.yaml());
      Command apply = Command.run(List.of(controlPlane.binaries().kubectl().toString(),
          "--kubeconfig", controlPlane.kubeconfigFile().toString(),
          "apply", "--server-side", "--dry-run=server", "--field-manager=helm", "-f", manifest.toString()),
          Map.of(), work, Duration.ofMinutes(2));
      String output = apply.output();
      assertThat(apply.exitCode()).as("kubectl apply of the chart rendered with %s:%n%s", values, output).isZero();
      assertThat(output.lines().filter(line -> line.endsWith("serverside-applied (server dry run)")))
          .as(output).hasSize(rendered.objects().size());
    }
  }

  private static HttpResponse<String> get(URI uri) {
    return LoopbackHttp.send(HttpRequest.newBuilder(uri).GET().build());
  }

  private static HttpResponse<String> post(URI uri) {
    return LoopbackHttp.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  private Rendered render(Path... values) {
    return Rendered.parse(helm.template(RELEASE_NAMESPACE, values).stdoutIfSucceeded());
  }

  private static void assertLintPasses(Command result) {
    assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
    assertThat(result.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  private static Path values(String resource) {
    try {
      return Path.of(Objects.requireNonNull(ChartIT.class.getResource("/" + resource), resource).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(resource, e);
    }
  }

  private static Map<String, Object> configuration(Rendered rendered) {
    return Rendered.parseYaml(String.valueOf(map(rendered.one("ConfigMap"), "data").get("keelson.yml")));
  }

  private static Path writeConfiguration(Rendered rendered) throws IOException {
    return Files.writeString(Files.createTempFile(work, "keelson", ".yml"),
        String.valueOf(map(rendered.one("ConfigMap"), "data").get("keelson.yml")));
  }

  private static Map<String, Object> env(Map<String, Object> container, String name) {
    return list(container, "env").stream().filter(e -> name.equals(e.get("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no env " + name));
  }

  private static List<Map<String, Object>> rules(Map<String, Object> role) {
    return list(role, "rules");
  }

  /** The values of every key that names a file, anywhere in the configuration. */
  private static List<String> fileReferences(Object node) {
    if (node instanceof Map<?, ?> map) {
      return map.entrySet().stream().flatMap(e -> FILE_REFERENCE_KEYS.contains(String.valueOf(e.getKey()))
          && e.getValue() instanceof String file ? Stream.of(file) : fileReferences(e.getValue()).stream()).toList();
    }
    if (node instanceof List<?> list) {
      return list.stream().flatMap(item -> fileReferences(item).stream()).toList();
    }
    return List.of();
  }

  /** The names of the series the agent's metrics produce, as PromQL sees them. */
  private static Set<String> exportedMetricNames() {
    PrometheusRegistry registry = new PrometheusRegistry();
    new AgentMetrics(registry);
    Set<String> names = new HashSet<>();
    for (MetricSnapshot snapshot : registry.scrape()) {
      String name = snapshot.getMetadata().getPrometheusName();
      if (snapshot instanceof CounterSnapshot) {
        names.add(name + "_total");
      } else if (snapshot instanceof HistogramSnapshot) {
        names.addAll(List.of(name + "_bucket", name + "_sum", name + "_count"));
      } else {
        names.add(name);
      }
    }
    return names;
  }
}
