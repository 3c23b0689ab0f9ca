package io.keelson.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.ControllerProcess;
import io.keelson.testkit.LoopbackHttp;
import io.keelson.testkit.LoopbackPorts;
import io.keelson.testkit.ProcessUsage;
import io.keelson.testkit.ProjectTools;
import io.keelson.testkit.Waiter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Flux as the benchmark's peer: its source-controller and kustomize-controller (built by {@code e2e/bin/flux}) as
 * local processes against the benchmark's control plane, with their default flags apart from what running
 * outside a cluster needs (the kubeconfig; metrics, health and artifact server on 127.0.0.1; a storage
 * directory), and one GitRepository (Git's smart HTTP on 127.0.0.1) with one Kustomization per source of a
 * {@link SourceLayout}. A sync is asked for as Flux's webhook Receiver asks for one: the
 * {@value #REQUESTED_AT} annotation on the object to reconcile.
 */
final class FluxPeer implements AutoCloseable {

  static final String NAMESPACE = "flux-system";
  static final String REQUESTED_AT = "reconcile.fluxcd.io/requestedAt";
  static final String GIT_REPOSITORY = "source.toolkit.fluxcd.io/v1";
  static final String KUSTOMIZATION = "kustomize.toolkit.fluxcd.io/v1";
  /** Nothing runs by itself while measured: each reconcile is requested (drift sets a shorter one). */
  static final Duration NO_INTERVAL = Duration.ofHours(1);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final SourceLayout layout;
  private final List<ControllerProcess> controllers;

  private FluxPeer(KubernetesClient client, SourceLayout layout, List<ControllerProcess> controllers) {
    this.client = client;
    this.layout = layout;
    this.controllers = controllers;
  }

  /** Where {@code e2e/bin/flux} caches the controllers and their CRDs (built there on first use). */
  static Path binaries() {
    return Path.of(ProjectTools.run("flux"));
  }

  /** The cached controllers, if {@code e2e/bin/flux} has built them; never builds. */
  static Optional<Path> cachedBinaries() {
    try {
      return Optional.of(Path.of(ProjectTools.run("flux", "--if-cached")));
    } catch (IllegalStateException notBuilt) {
      return Optional.empty();
    }
  }

  /** Installs Flux's CRDs (from the controllers' own module trees) and the namespace its objects live in. */
  static void install(ControlPlane plane, Path binaries) {
    try (Stream<Path> crds = Files.list(binaries.resolve("crds"))) {
      crds.sorted().forEach(plane::installCrds);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list Flux's CRDs in " + binaries, e);
    }
    apply(plane.client(), """
        apiVersion: v1
        kind: Namespace
        metadata: {name: %s}
        """.formatted(NAMESPACE));
  }

  /** Starts both controllers, each fresh (so their memory is this run's), and waits until both are ready. */
  static FluxPeer start(ControlPlane plane, Path binaries, SourceLayout layout, Path workDir) {
    Map<String, String> env = Map.of("KUBECONFIG", plane.kubeconfigFile().toString());
    List<ControllerProcess> controllers = new ArrayList<>();
    FluxPeer flux = new FluxPeer(plane.client(), layout, controllers);
    try {
      Files.createDirectories(workDir.resolve("artifacts"));
      int storage = LoopbackPorts.free();
      int sourceHealth = LoopbackPorts.free();
      controllers.add(ControllerProcess.start("source-controller", workDir, binaries.resolve("source-controller"),
          List.of("--metrics-addr=127.0.0.1:" + LoopbackPorts.free(), "--health-addr=127.0.0.1:" + sourceHealth,
              "--storage-path=" + workDir.resolve("artifacts"), "--storage-addr=127.0.0.1:" + storage,
              "--storage-adv-addr=127.0.0.1:" + storage), env));
      int kustomizeHealth = LoopbackPorts.free();
      controllers.add(ControllerProcess.start("kustomize-controller", workDir,
          binaries.resolve("kustomize-controller"), List.of("--metrics-addr=127.0.0.1:" + LoopbackPorts.free(),
              "--health-addr=127.0.0.1:" + kustomizeHealth), env));
      flux.awaitReady(sourceHealth);
      flux.awaitReady(kustomizeHealth);
      return flux;
    } catch (IOException e) {
      flux.close();
      throw new UncheckedIOException("cannot create Flux's storage directory under " + workDir, e);
    } catch (RuntimeException e) {
      flux.close();
      throw e;
    }
  }

  /** Creates the GitRepository of {@code gitUrl} and a Kustomization (with prune) per source of the layout. */
  void create(String gitUrl) {
    apply(client, """
        apiVersion: %s
        kind: GitRepository
        metadata: {name: %s, namespace: %s}
        spec:
          url: %s
          ref: {branch: main}
          interval: %dm
          timeout: 60s
        """.formatted(GIT_REPOSITORY, layout.name(), NAMESPACE, gitUrl, NO_INTERVAL.toMinutes()));
    for (int i = 0; i < layout.count(); i++) {
      apply(client, """
          apiVersion: %s
          kind: Kustomization
          metadata: {name: %s, namespace: %s}
          spec:
            sourceRef: {kind: GitRepository, name: %s}
            path: ./%s
            prune: true
            wait: false
            interval: %dm
            timeout: 20m
          """.formatted(KUSTOMIZATION, layout.names().get(i), NAMESPACE, layout.name(), layout.path(i),
          NO_INTERVAL.toMinutes()));
    }
  }

  /** Asks source-controller to fetch the branch now, as a Receiver does on a push. */
  void requestFetch() {
    requestReconcile(GIT_REPOSITORY, "GitRepository", layout.name(), Instant.now().toString());
  }

  /** Asks every Kustomization to reconcile now without a new revision; returns the request's token. */
  String requestReconcileAll() {
    String token = Instant.now().toString();
    for (String name : layout.names()) {
      requestReconcile(KUSTOMIZATION, "Kustomization", name, token);
    }
    return token;
  }

  /** Waits until every Kustomization has applied {@code commit} of branch main. */
  void awaitApplied(String commit, Duration timeout) {
    String revision = "main@sha1:" + commit;
    Waiter.await("Flux's Kustomizations at " + revision, timeout, Duration.ofMillis(50),
        () -> kustomizations().stream()
            .allMatch(k -> revision.equals(k.path("status").path("lastAppliedRevision").asText())) ? Boolean.TRUE : null,
        this::exited);
  }

  /** Waits until every Kustomization has handled the reconcile request {@code token}. */
  void awaitHandled(String token, Duration timeout) {
    Waiter.await("Flux's Kustomizations to handle the request " + token, timeout, Duration.ofMillis(50),
        () -> kustomizations().stream()
            .allMatch(k -> token.equals(k.path("status").path("lastHandledReconcileAt").asText())) ? Boolean.TRUE : null,
        this::exited);
  }

  /** Sets the first Kustomization's interval: how often Flux re-applies it, and so puts drift back. */
  void setInterval(Duration interval) {
    client.genericKubernetesResources(KUSTOMIZATION, "Kustomization").inNamespace(NAMESPACE)
        .withName(layout.names().get(0))
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"interval\":\"" + interval.toSeconds() + "s\"}}");
  }

  /** The controllers' memory and CPU, summed; {@link #each()} tells them apart. */
  ProcessUsage usage() {
    List<ProcessUsage> each = each();
    return new ProcessUsage(each.stream().mapToLong(ProcessUsage::residentBytes).sum(),
        each.stream().mapToLong(ProcessUsage::peakResidentBytes).sum(),
        each.stream().map(ProcessUsage::cpuTime).reduce(Duration.ZERO, Duration::plus));
  }

  /** source-controller's, then kustomize-controller's. */
  List<ProcessUsage> each() {
    return controllers.stream().map(ControllerProcess::usage).toList();
  }

  /** Null while both controllers run; else which exited, with its log. */
  String exited() {
    return controllers.stream().map(ControllerProcess::exited).filter(java.util.Objects::nonNull).findFirst()
        .orElse(null);
  }

  /** The Kustomizations' Ready conditions, for an error message. */
  String readiness() {
    return kustomizations().stream().map(k -> k.path("metadata").path("name").asText() + ": "
        + k.path("status").path("conditions")).toList().toString();
  }

  /** This layout's Kustomizations (an earlier size's stay, suspended, beside them). */
  private List<JsonNode> kustomizations() {
    return client.genericKubernetesResources(KUSTOMIZATION, "Kustomization").inNamespace(NAMESPACE).list()
        .getItems().stream().filter(k -> layout.names().contains(k.getMetadata().getName()))
        .map(k -> JSON.<JsonNode>valueToTree(k)).toList();
  }

  private void requestReconcile(String apiVersion, String kind, String name, String token) {
    client.genericKubernetesResources(apiVersion, kind).inNamespace(NAMESPACE).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"" + REQUESTED_AT + "\":\"" + token + "\"}}}");
  }

  private void awaitReady(int healthPort) {
    URI readyz = URI.create("http://127.0.0.1:" + healthPort + "/readyz");
    Waiter.await("Flux controller ready at " + readyz, START_TIMEOUT, Duration.ofMillis(200), () -> {
      try {
        return LoopbackHttp.send(HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(2)).build())
            .statusCode() == 200 ? Boolean.TRUE : null;
      } catch (UncheckedIOException notYet) {
        return null;
      }
    }, this::exited);
  }

  private static void apply(KubernetesClient client, String yaml) {
    client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items().forEach(item ->
        client.resource(item).fieldManager("bench").forceConflicts().serverSideApply());
  }

  /** Suspends this run's objects first, so that the next run's controllers leave them alone. */
  @Override
  public void close() {
    try {
      String suspend = "{\"spec\":{\"suspend\":true}}";
      client.genericKubernetesResources(GIT_REPOSITORY, "GitRepository").inNamespace(NAMESPACE).withName(layout.name())
          .patch(PatchContext.of(PatchType.JSON_MERGE), suspend);
      for (String name : layout.names()) {
        client.genericKubernetesResources(KUSTOMIZATION, "Kustomization").inNamespace(NAMESPACE).withName(name)
            .patch(PatchContext.of(PatchType.JSON_MERGE), suspend);
      }
    } catch (RuntimeException notCreated) {
      // Nothing to suspend: the run failed before its objects existed.
    }
    for (int i = controllers.size() - 1; i >= 0; i--) {
      controllers.get(i).close();
    }
  }
}
