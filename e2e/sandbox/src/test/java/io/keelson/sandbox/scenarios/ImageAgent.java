package io.keelson.sandbox.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.sandbox.Sandbox;
import io.keelson.sandbox.SandboxRepo;
import io.keelson.testkit.AgentProcess;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.ProjectTools;
import io.keelson.testkit.Rendered;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The agent as a pod runs it, as far as a machine without a container runtime allows: the chart rendered by
 * {@code helm template} and applied to the cluster (ServiceAccount, RBAC, ConfigMap, CRD), a token for the
 * chart's ServiceAccount (TokenRequest) laid out where the kubelet mounts it, and the image's own entrypoint
 * started in the image's unpacked root file system, by chroot as user 65532, with the root read-only and only
 * the chart's volumes (/tmp, the cache) writable. The API server, Git and Prometheus listen on loopback, which
 * the chroot shares.
 */
final class ImageAgent implements Sandbox.AgentLauncher {

  static final String RELEASE = "keelson";
  static final String NAMESPACE = "keelson-system";
  /** The Secret holding the sandbox's age key, as the platform team creates it (chart values name it). */
  static final String SOPS_SECRET = "keelson-sops";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SERVICE_ACCOUNT_DIR = "var/run/secrets/kubernetes.io/serviceaccount";

  private final Path work;
  private final Map<String, Object> extraValues;
  private final Consumer<Sandbox> prepare;
  private boolean prepared;
  private final ImageRootfs image;
  private Rendered rendered;
  private long launchedNanos;
  private String imageTag = "";

  /**
   * {@code extraValues}: chart values over the sandbox's (e.g. rbac); {@code prepare}: what the platform team
   * does before the first install (e.g. create the namespaces a namespaced installation's Roles live in).
   */
  ImageAgent(Path work, Map<String, Object> extraValues, Consumer<Sandbox> prepare) {
    this.work = work;
    this.extraValues = extraValues;
    this.prepare = prepare;
    // Before the sandbox picks the agent's ports: the longer between picking a free port and binding it, the
    // likelier another process takes it.
    this.image = ImageRootfs.unpack(work.getParent().resolve("image"));
  }

  /** The next start is a {@code helm upgrade} to this image tag (the chart's Deployment changes; the pod rolls). */
  void upgradeTo(String tag) {
    imageTag = tag;
  }

  /**
   * {@code helm uninstall}: the release's objects (the chart without its CRDs, which Helm keeps) deleted, as
   * Helm deletes them.
   */
  void uninstall(ControlPlane controlPlane) {
    Path release = work.resolve("release.yaml");
    run(helmTemplate(List.of()), release);
    run(List.of(controlPlane.binaries().kubectl().toString(), "--kubeconfig",
        controlPlane.kubeconfigFile().toString(), "delete", "--wait", "-f", release.toString()),
        work.resolve("uninstall.log"));
  }

  /** When the image's entrypoint was last started ({@link System#nanoTime()}). */
  long launchedNanos() {
    return launchedNanos;
  }

  /** The unpacked image the agent runs from. */
  ImageRootfs image() {
    return image;
  }

  /** The chart's objects as last rendered and applied. */
  Rendered rendered() {
    return rendered;
  }

  @Override
  public AgentProcess start(Sandbox sandbox, int port, int adminPort) {
    try {
      Files.createDirectories(work);
      ControlPlane controlPlane = sandbox.cluster().controlPlane();
      if (!prepared) {
        createSopsKeySecret(sandbox);
        prepare.accept(sandbox);
        prepared = true;
      }
      rendered = install(controlPlane, values(sandbox, port, adminPort));
      layOutPod(image, controlPlane.client(), port);
      Path tmp = emptyDir("tmp");
      Path cache = emptyDir("cache");
      launchedNanos = System.nanoTime();
      return AgentProcess.start("keelson-agent-image", command(image, tmp, cache, controlPlane), work, port,
          adminPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Map<String, Object> values(Sandbox sandbox, int port, int adminPort) throws IOException {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("sources", List.of(Map.of("name", "sandbox", "url", sandbox.gitUrl(), "ref", "main",
        "paths", List.of(SandboxRepo.OVERLAY, "policies"),
        "interval", sandbox.options().pollInterval().toSeconds() + "s",
        "timeout", "10s", "sops", Map.of("age", Map.of("existingSecret", SOPS_SECRET, "key", "keys.txt")))));
    values.put("releaseController", Map.of("prometheusUrl", sandbox.prometheus().url().toString(),
        "queryTimeout", "3s",
        "router", sandbox.options().router().value()));
    values.put("leaderElection", Map.of("enabled", true, "leaseName", "keelson-agent", "leaseDuration", "4s",
        "renewDeadline", "3s", "retryPeriod", "500ms"));
    values.put("ports", Map.of("http", port, "admin", adminPort));
    if (!imageTag.isEmpty()) {
      values.put("image", Map.of("tag", imageTag));
    }
    values.putAll(extraValues);
    return values;
  }

  /** {@code kubectl create secret generic keelson-sops --from-file=keys.txt=<the sandbox's age key>}. */
  private static void createSopsKeySecret(Sandbox sandbox) throws IOException {
    sandbox.client().secrets().resource(new SecretBuilder().withNewMetadata().withName(SOPS_SECRET)
        .withNamespace(NAMESPACE).endMetadata()
        .addToData("keys.txt", Base64.getEncoder().encodeToString(Files.readAllBytes(sandbox.repo().ageKeyFile())))
        .build()).serverSideApply();
  }

  /** The chart's ServiceMonitor, as rendered with monitoring.serviceMonitor.enabled (its CRD is not installed). */
  Map<String, Object> renderedMonitor() {
    Path monitor = work.resolve("servicemonitor.yaml");
    run(helmTemplate(List.of("--set", "monitoring.serviceMonitor.enabled=true", "--show-only",
        "templates/servicemonitor.yaml")), monitor);
    try {
      return Rendered.parse(Files.readString(monitor)).one("ServiceMonitor");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code helm template} of the chart with the last values written, and {@code flags}. */
  private List<String> helmTemplate(List<String> flags) {
    List<String> command = new ArrayList<>(List.of(ProjectTools.run("helm"), "template", RELEASE,
        chart().toString(), "--namespace", NAMESPACE, "--values", work.resolve("values.yaml").toString()));
    command.addAll(flags);
    return command;
  }

  static Path chart() {
    return ProjectTools.projectRoot().resolve("charts/keelson");
  }

  /** A file of the chart, e.g. values.yaml. */
  static String chartFile(String name) {
    try {
      return Files.readString(chart().resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code helm template}, then applied as Helm would (server-side, CRDs included). */
  private Rendered install(ControlPlane controlPlane, Map<String, Object> values) throws IOException {
    YAML.writeValue(work.resolve("values.yaml").toFile(), values);
    Path manifest = work.resolve("rendered.yaml");
    run(helmTemplate(List.of("--include-crds")), manifest);
    run(List.of(controlPlane.binaries().kubectl().toString(), "--kubeconfig",
        controlPlane.kubeconfigFile().toString(), "apply", "--server-side", "--force-conflicts",
        "--field-manager=helm", "-f", manifest.toString()), work.resolve("apply.log"));
    return Rendered.parse(Files.readString(manifest));
  }

  /**
   * What the kubelet gives the pod: the ServiceAccount's token, the cluster's CA and the namespace, the
   * ConfigMap's configuration at the Deployment's mount path, and each Secret volume's items at theirs. The only
   * change to the configuration: the application port binds 127.0.0.1, as every server in tests does.
   */
  private void layOutPod(ImageRootfs image, KubernetesClient admin, int port) throws IOException {
    TokenRequest token = admin.serviceAccounts().inNamespace(NAMESPACE).withName(RELEASE)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build());
    Path serviceAccount = Files.createDirectories(image.resolve(SERVICE_ACCOUNT_DIR));
    Files.writeString(serviceAccount.resolve("token"), token.getStatus().getToken());
    Files.write(serviceAccount.resolve("ca.crt"),
        Base64.getDecoder().decode(admin.getConfiguration().getCaCertData()));
    Files.writeString(serviceAccount.resolve("namespace"), NAMESPACE);

    Map<String, Object> config = Rendered.parseYaml(configuration());
    Map<String, Object> connector = Rendered.map(config, "server.applicationConnectors.0");
    connector.put("bindHost", "127.0.0.1");
    if (!Integer.valueOf(port).equals(connector.get("port"))) {
      throw new IllegalStateException("the chart did not render ports.http " + port + ": " + connector);
    }
    Path configFile = image.resolve("etc/keelson/keelson.yml");
    Files.createDirectories(configFile.getParent());
    YAML.writeValue(configFile.toFile(), config);
    mountSecrets(image, admin);
  }

  private void mountSecrets(ImageRootfs image, KubernetesClient admin) throws IOException {
    Map<String, Object> pod = Rendered.map(rendered.one("Deployment"), "spec.template.spec");
    List<Map<String, Object>> mounts = Rendered.list(pod, "containers.0.volumeMounts");
    for (Map<String, Object> volume : Rendered.list(pod, "volumes")) {
      if (!(volume.get("secret") instanceof Map<?, ?> source)) {
        continue;
      }
      Secret secret = admin.secrets().inNamespace(NAMESPACE).withName(String.valueOf(source.get("secretName"))).get();
      String mountPath = mounts.stream().filter(mount -> volume.get("name").equals(mount.get("name")))
          .map(mount -> String.valueOf(mount.get("mountPath"))).findFirst().orElseThrow();
      Path dir = Files.createDirectories(image.resolve(mountPath.substring(1)));
      for (Map<String, Object> item : Rendered.list(source, "items")) {
        Files.write(dir.resolve(String.valueOf(item.get("path"))),
            Base64.getDecoder().decode(secret.getData().get(String.valueOf(item.get("key")))));
      }
    }
  }

  private String configuration() {
    return String.valueOf(Rendered.map(rendered.one("ConfigMap"), "data").get("keelson.yml"));
  }

  private Path emptyDir(String name) throws IOException {
    Path dir = Files.createDirectories(work.resolve("volumes").resolve(name));
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    return dir;
  }

  /**
   * The image's entrypoint with the Deployment's args, its environment (the image's, the Deployment's, and
   * what the kubelet sets for in-cluster clients), under chroot as the image's user. In a private mount
   * namespace the root is re-mounted read-only; /tmp and the cache are the writable volumes.
   */
  private List<String> command(ImageRootfs image, Path tmp, Path cache, ControlPlane controlPlane) {
    Map<String, Object> container = Rendered.map(rendered.one("Deployment"), "spec.template.spec.containers.0");
    Map<String, String> environment = new LinkedHashMap<>(image.environment());
    for (Map<String, Object> variable : Rendered.list(container, "env")) {
      String name = String.valueOf(variable.get("name"));
      environment.put(name, variable.containsKey("value") ? String.valueOf(variable.get("value"))
          : name.equals("POD_NAMESPACE") ? NAMESPACE : "keelson-0");
    }
    environment.put("KUBERNETES_SERVICE_HOST", controlPlane.apiServerUrl().getHost());
    environment.put("KUBERNETES_SERVICE_PORT", Integer.toString(controlPlane.apiServerUrl().getPort()));

    List<String> command = new ArrayList<>(List.of("/usr/bin/env", "-i"));
    environment.forEach((name, value) -> command.add(name + "=" + value));
    String cacheDir = Rendered.list(container, "volumeMounts").stream()
        .filter(mount -> "cache".equals(mount.get("name"))).map(mount -> String.valueOf(mount.get("mountPath")))
        .findFirst().orElseThrow();
    command.addAll(List.of("/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", """
        set -e
        root=$1 tmp=$2 cache=$3 cacheDir=$4 user=$5
        shift 5
        /usr/bin/mkdir -p "$root$cacheDir"
        /usr/bin/mount --bind "$root" "$root"
        /usr/bin/mount --bind "$tmp" "$root/tmp"
        /usr/bin/mount --bind "$cache" "$root$cacheDir"
        /usr/bin/mount --rbind /proc "$root/proc"
        /usr/bin/mount --rbind /dev "$root/dev"
        /usr/bin/mount --rbind /sys "$root/sys"
        /usr/bin/mount -o remount,bind,ro "$root"
        exec /usr/sbin/chroot --userspec="$user" "$root" "$@"
        """, "pod", image.root().toString(), tmp.toString(), cache.toString(), cacheDir, image.user()));
    command.addAll(image.entrypoint());
    command.addAll(Rendered.strings(container, "args"));
    return command;
  }

  static void run(List<String> command, Path output) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
          .start();
      if (!process.waitFor(3, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      if (process.exitValue() != 0) {
        throw new AssertionError(command.get(0) + " failed (" + process.exitValue() + "):\n"
            + Files.readString(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
