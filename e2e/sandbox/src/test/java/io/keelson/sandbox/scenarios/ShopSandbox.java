package io.keelson.sandbox.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.RouterKind;
import io.keelson.release.gatewayapi.GatewayApiRouter;
import io.keelson.release.istio.IstioRouter;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.Routes;
import io.keelson.release.traffic.TrafficRouter;
import io.keelson.sandbox.MeshTraffic;
import io.keelson.sandbox.Sandbox;
import io.keelson.sandbox.SandboxOptions;
import io.keelson.sandbox.SandboxRepo;
import io.keelson.testkit.LoopbackHttp;
import io.keelson.testkit.ProjectTools;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The sandbox as a scenario sees it: the shop from {@code manifests/} (the sandbox overlay), released by a fast
 * cart policy, with the questions scenarios ask (is the revision applied, where does the release stand, what does
 * production answer) and a record of the canary weight the mesh was ever given.
 */
final class ShopSandbox implements AutoCloseable {

  static final String NAMESPACE = "shop";
  static final String POLICY = "cart";
  /** Where cart's pod template is declared: the Kustomize base. */
  static final String DEPLOYMENT_FILE = "manifests/base/cart/deployment.yaml";
  /** The sandbox overlay's kustomization: it pins each service's image tag ({@code images}). */
  static final String OVERLAY_FILE = SandboxRepo.OVERLAY + "/kustomization.yaml";
  static final String CART_HOST = "cart.shop.svc.cluster.local";
  private static final ObjectMapper JSON = new ObjectMapper();

  final Sandbox sandbox;
  private final TrafficRouter router;
  private volatile PolicyRef policy;
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
  private final AtomicInteger maxCanaryWeight = new AtomicInteger(-1);
  private final long startedMillis;
  private long firstAppliedNanos;

  private ShopSandbox(Sandbox sandbox, long startedMillis) {
    this.sandbox = sandbox;
    this.router = sandbox.options().router() == RouterKind.GATEWAY_API ? new GatewayApiRouter(sandbox.client())
        : new IstioRouter(sandbox.client());
    this.startedMillis = startedMillis;
    sampler.scheduleAtFixedRate(this::sampleCanaryWeight, 0, 100, TimeUnit.MILLISECONDS);
  }

  /**
   * Given: the shop is deployed from the seed, the cart policy is the fast one and routed by {@code router} (the
   * agent's default), and the stable cart serves.
   */
  static ShopSandbox start(Path directory, RouterKind router) {
    return start(directory, router, null);
  }

  /** As above, with the agent run by {@code launcher} (null: the sandbox's own). */
  static ShopSandbox start(Path directory, RouterKind router, Sandbox.AgentLauncher launcher) {
    long started = System.nanoTime();
    SandboxRepo repo = SandboxRepo.openOrSeed(directory.resolve("config"), ProjectTools.projectRoot());
    repo.write("policies/cart.yaml", resource("scenarios/cart-policy.yaml"), "Release cart in seconds");
    SandboxOptions options = SandboxOptions.forScenarios(directory).withRouter(router);
    Sandbox sandbox = launcher == null ? Sandbox.start(options) : Sandbox.start(options, launcher);
    ShopSandbox shop = new ShopSandbox(sandbox, (System.nanoTime() - started) / 1_000_000);
    try {
      shop.awaitApplied(repo.head(), Duration.ofSeconds(90));
      shop.firstAppliedNanos = System.nanoTime();
      shop.awaitRelease("the cart policy idle with a stable release", Duration.ofSeconds(60),
          status -> status.getPhase() == ReleasePhase.Idle && status.getStable() != null);
      shop.awaitStableAvailable(Duration.ofSeconds(60));
      return shop;
    } catch (RuntimeException | Error e) {
      shop.close();
      throw e;
    }
  }

  long startMillis() {
    return startedMillis;
  }

  /** When the seed revision was first seen applied ({@link System#nanoTime()}, polled every 200 ms). */
  long firstAppliedNanos() {
    return firstAppliedNanos;
  }

  private static String resource(String name) {
    try (InputStream in = ShopSandbox.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  SandboxRepo repo() {
    return sandbox.repo();
  }

  /** Commits a change of the cart Deployment's pod template in the base: a new candidate. */
  String commitCart(String from, String to, String message) {
    return repo().edit(DEPLOYMENT_FILE, text -> text.replace(from, to), message);
  }

  /** Commits a new cart version, as a team would: the tag in the sandbox overlay's {@code images}. A new candidate. */
  String commitCartVersion(String version) {
    return repo().edit(OVERLAY_FILE, text -> text.replaceFirst(
        "(name: registry\\.example\\.com/shop/cart\n\\s+newTag: )\"[^\"]*\"", "$1\"" + version + "\""),
        "cart " + version);
  }

  /** Commits a change of the cart policy and waits until it is applied. */
  void commitPolicy(String from, String to, String message) {
    String commit = repo().edit("policies/cart.yaml", text -> text.replace(from, to), message);
    awaitApplied(commit, Duration.ofSeconds(30));
  }

  /** When: a healthy cart 1.5.0 is committed and its release reaches the first weight step (30%). */
  ReleasePolicyStatus releaseHealthyCartToItsFirstStep() {
    String commit = commitCartVersion("1.5.0");
    awaitApplied(commit, Duration.ofSeconds(30));
    return awaitRelease("the first weight step", Duration.ofSeconds(60),
        status -> status.getPhase() == ReleasePhase.Progressing && Integer.valueOf(30).equals(status.getCanaryWeight()));
  }

  JsonNode status() {
    return getJson(sandbox.url("/api/v1/status"));
  }

  JsonNode source() {
    for (JsonNode source : status().path("sources")) {
      if ("sandbox".equals(source.path("name").asText())) {
        return source;
      }
    }
    return JSON.missingNode();
  }

  JsonNode releaseView() {
    for (JsonNode release : status().path("releases")) {
      if (POLICY.equals(release.path("name").asText())) {
        return release;
      }
    }
    return JSON.missingNode();
  }

  void awaitApplied(String commit, Duration timeout) {
    await("revision " + commit.substring(0, 8) + " applied", timeout,
        () -> commit.equals(source().path("applied").path("sha").asText()) ? Boolean.TRUE : null);
  }

  /** Sets the steady load per application Service. */
  void setRequestsPerSecond(double value) {
    sandbox.setRequestsPerSecond(value);
  }

  ReleasePolicy policy() {
    return sandbox.client().resources(ReleasePolicy.class).inNamespace(NAMESPACE).withName(POLICY).get();
  }

  ReleasePolicyStatus release() {
    ReleasePolicy policy = policy();
    return policy == null || policy.getStatus() == null ? new ReleasePolicyStatus() : policy.getStatus();
  }

  ReleasePolicyStatus awaitRelease(String what, Duration timeout, Predicate<ReleasePolicyStatus> condition) {
    return await(what, timeout, () -> {
      ReleasePolicyStatus status = release();
      return condition.test(status) ? status : null;
    });
  }

  Deployment stable() {
    return sandbox.client().apps().deployments().inNamespace(NAMESPACE).withName(POLICY).get();
  }

  /** The image production runs: the stable Deployment's. */
  String stableImage() {
    return stable().getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  void awaitStableAvailable(Duration timeout) {
    await("the stable cart Deployment rolled out and available", timeout, () -> {
      Deployment deployment = stable();
      var status = deployment == null ? null : deployment.getStatus();
      boolean done = status != null && deployment.getSpec().getReplicas().equals(status.getAvailableReplicas())
          && deployment.getSpec().getReplicas().equals(status.getUpdatedReplicas())
          && deployment.getMetadata().getGeneration().equals(status.getObservedGeneration());
      return done ? Boolean.TRUE : null;
    });
  }

  /** The highest weight the routing object has given the canary since the sandbox started (-1: none yet). */
  int maxCanaryWeight() {
    return maxCanaryWeight.get();
  }

  void resetMaxCanaryWeight() {
    maxCanaryWeight.set(-1);
  }

  /**
   * The canary's weight as the release controller's live routing object (VirtualService or HTTPRoute) gives
   * it, read the way the data plane reads it; -1 when the object does not exist.
   */
  int canaryWeight() {
    return liveRoutes().map(Routes::canaryWeight).orElse(-1);
  }

  /** The routes the release controller's live routing object puts in effect; empty when it does not exist. */
  Optional<Routes> liveRoutes() {
    if (policy == null) {
      ReleasePolicy live = sandbox.client().resources(ReleasePolicy.class).inNamespace(NAMESPACE).withName(POLICY)
          .get();
      if (live == null) {
        return Optional.empty();
      }
      policy = PolicyRef.of(live);
    }
    return router.current(policy);
  }

  /** The routing object's kind and name, for messages. */
  String routingObject() {
    return (router instanceof GatewayApiRouter ? "HTTPRoute" : "VirtualService") + " keelson-" + POLICY;
  }

  /** The release controller's live routing object for the cart policy (VirtualService or HTTPRoute), or null. */
  GenericKubernetesResource liveRoutingObject() {
    return (router instanceof GatewayApiRouter
        ? sandbox.client().genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute")
        : sandbox.client().genericKubernetesResources("networking.istio.io/v1", "VirtualService"))
        .inNamespace(NAMESPACE).withName("keelson-" + POLICY).get();
  }

  private void sampleCanaryWeight() {
    try {
      int weight = canaryWeight();
      maxCanaryWeight.accumulateAndGet(weight, Math::max);
    } catch (RuntimeException e) {
      // The API server is briefly unavailable while a scenario stops parts; the next sample counts.
    }
  }

  /** Sends requests through the mesh ingress as production callers do (a session, no test header); the 5xx share. */
  double productionErrorRate(int requests) {
    int errors = 0;
    for (int i = 0; i < requests; i++) {
      HttpRequest request = HttpRequest.newBuilder(sandbox.mesh().ingressUrl().resolve("/"))
          .header("X-Keelson-Host", CART_HOST).header(MeshTraffic.SESSION_HEADER, "scenario-shopper")
          .timeout(Duration.ofSeconds(5)).build();
      if (send(request).statusCode() >= 500) {
        errors++;
      }
    }
    return (double) errors / requests;
  }

  HttpResponse<String> send(HttpRequest request) {
    return LoopbackHttp.send(request);
  }


  private JsonNode getJson(URI uri) {
    try {
      HttpResponse<String> response = send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build());
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (UncheckedIOException e) {
      return JSON.missingNode();
    }
  }

  /** Polls until {@code probe} gives a value; fails naming what was awaited and the release's last state. */
  <T> T await(String what, Duration timeout, Supplier<T> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> lastErrors = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      try {
        T value = probe.get();
        if (value != null) {
          return value;
        }
      } catch (RuntimeException e) {
        lastErrors.add(e.toString());
      }
      sleep(Duration.ofMillis(200));
    }
    ReleasePolicyStatus release = release();
    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
        + "; release phase " + release.getPhase() + ", weight " + release.getCanaryWeight() + ", reason "
        + release.getReason() + (lastErrors.isEmpty() ? "" : "; last error " + lastErrors.get(lastErrors.size() - 1))
        + "\npolicy status: " + describe(release) + "\nagent's releases: " + status().path("releases")
        + "\nagent log:\n" + sandbox.agent().logTail());
  }

  private static String describe(ReleasePolicyStatus status) {
    try {
      return JSON.writeValueAsString(status);
    } catch (IOException e) {
      return status.toString();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Map<String, String> header(String name, String value) {
    return Map.of(name, value);
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    sandbox.close();
  }
}
