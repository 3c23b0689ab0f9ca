package io.keelson.release.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.release.analysis.Analysis;
import io.keelson.release.analysis.MetricProvider;
import io.keelson.release.analysis.QueryResult;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.deploy.PolicyKey;
import io.keelson.release.deploy.ReleaseAwareRender;
import io.keelson.release.istio.IstioRouter;
import io.keelson.testkit.IstioTelemetry;
import io.keelson.release.prometheus.PrometheusProvider;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.Routes;
import io.keelson.release.webhook.HttpWebhookCaller;
import io.keelson.testkit.PrometheusServer;
import io.keelson.testkit.TestNamespace;
import io.keelson.testkit.Waiter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One release on the real API server, with both halves real: {@link #sync} is the agent's part (the real
 * {@link ReleaseAwareRender} against the live policy status, applied with server-side apply, canary objects
 * render left out deleted, Deployments then marked rolled out, as no kubelet runs here) and {@link #tick} the
 * controller's (the real {@link ReleaseReconciler}, Istio router and analysis). After every step it samples
 * what the cluster holds: the live routes, the template the canary Deployment runs, the policy status.
 */
final class ReleaseBench implements AutoCloseable {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Duration POLL = Duration.ofMillis(200);

  /**
   * What the cluster held after one step.
   *
   * @param step "sync" or "tick"
   * @param routes the live routes; null before the VirtualService exists
   * @param canaryHash the candidate hash the canary Deployment is marked with; null when there is none
   * @param status the policy status
   */
  record Sample(String step, Routes routes, String canaryHash, ReleasePolicyStatus status) {

    String candidateHash() {
      return status == null || status.getCandidate() == null ? null : status.getCandidate().templateHash();
    }

    boolean canaryRouted() {
      return routes != null && !routes.allStable();
    }
  }

  final List<Sample> samples = new CopyOnWriteArrayList<>();
  private final KubernetesClient client;
  private final TestNamespace ns;
  private final String policyYaml;
  private final PolicyKey key;
  private final ReleaseAwareRender render = new ReleaseAwareRender();
  private final IstioRouter router;
  private final ReleaseReconciler reconciler;
  private String image;
  private String revision;
  private ReleaseAwareRender.Release release;
  private String lastMessage;
  private ScheduledExecutorService traffic;
  private IstioTelemetry telemetry;

  /**
   * @param policyYaml the ReleasePolicy "cart" governing Deployment "cart" behind Service "cart" (port 80)
   */
  ReleaseBench(KubernetesClient client, TestNamespace ns, String policyYaml, Analysis analysis) {
    this.client = client;
    this.ns = ns;
    this.policyYaml = policyYaml;
    this.key = new PolicyKey(ns.name(), "cart");
    this.router = new IstioRouter(client);
    this.reconciler = new ReleaseReconciler(client, router, analysis, (policy, event) -> { }, Clock.systemUTC());
  }

  /**
   * A release of cart from 1.0 (already recorded as stable) to 2.0 (committed, not yet synced) under a policy
   * whose test route lasts 1s and is gated by the webhook at {@code gateUrl} alone. With {@code prometheus},
   * the weighted steps are judged by an error-rate check on the real Prometheus, scraping healthy Istio
   * telemetry of both workloads the bench serves; without, that check errors and the release cannot get past its
   * first weight.
   *
   * @param moreSpec further lines of the policy's spec (steps at least), each indented by two spaces
   */
  static ReleaseBench gatedRelease(KubernetesClient client, TestNamespace ns, String gateUrl,
      PrometheusServer prometheus, String moreSpec) {
    String checks = """
          checks:
            - {name: errors, minRequests: 1, errorRate: {max: 0.05}}
        """;
    MetricProvider metrics = prometheus == null ? (promql, at) -> new QueryResult.Failed("no metric checks")
        : new PrometheusProvider(prometheus.url(), PrometheusProvider.Options.defaults());
    ReleaseBench bench = new ReleaseBench(client, ns, """
        apiVersion: keelson.io/v1alpha1
        kind: ReleasePolicy
        metadata: {name: cart}
        spec:
          targetRef: {name: cart}
          service: {name: cart, port: 80}
          testRoute:
            header: x-canary
            match: {type: exact, value: "1"}
            duration: 1s
            checks: []
            webhook: %s
          progressDeadline: 60s
        """.formatted(gateUrl) + checks + moreSpec,
        new Analysis(metrics, new HttpWebhookCaller(Duration.ofSeconds(2))));
    if (prometheus != null) {
      bench.serveHealthyTraffic(prometheus, ns);
    }
    bench.commit("shop/cart:1.0", "r1").sync();
    assertThat(bench.tick().getStableTemplate()).as("the first tick records 1.0 as stable").isNotNull();
    return bench.commit("shop/cart:2.0", "r2");
  }

  /** Stops the traffic the bench serves, if any. */
  @Override
  public void close() {
    if (traffic != null) {
      traffic.shutdownNow();
      telemetry.close();
    }
  }

  private void serveHealthyTraffic(PrometheusServer prometheus, TestNamespace ns) {
    telemetry = new IstioTelemetry(prometheus, ns.name(), "cart", "cart-canary");
    traffic = Executors.newSingleThreadScheduledExecutor();
    traffic.scheduleAtFixedRate(() -> {
      telemetry.serve("cart", 4, "200", 20);
      telemetry.serve("cart-canary", 4, "200", 20);
    }, 0, 100, TimeUnit.MILLISECONDS);
  }

  /** Git now declares {@code newImage} for cart. */
  ReleaseBench commit(String newImage, String newRevision) {
    image = newImage;
    revision = newRevision;
    return this;
  }

  /** The agent's sync of the current commit. */
  void sync() {
    ReleasePolicyStatus live = status();
    ReleaseAwareRender.Result result = render.apply(gitObjects(), live == null ? Map.of() : Map.of(key, live));
    assertThat(result.problems()).isEmpty();
    for (GenericKubernetesResource object : result.objects()) {
      client.resource(object).fieldManager("keelson").forceConflicts().serverSideApply();
    }
    boolean canary = result.objects().stream().anyMatch(o -> "cart-canary".equals(o.getMetadata().getName()));
    if (!canary) {
      client.apps().deployments().inNamespace(ns.name()).withName("cart-canary").delete();
      client.services().inNamespace(ns.name()).withName("cart-canary").delete();
    }
    for (String name : List.of("cart", "cart-canary")) {
      Optional.ofNullable(deployment(name)).ifPresent(ReleaseBench.this::markRolledOut);
    }
    release = result.releases().get(0);
    sample("sync");
  }

  /** The controller's tick. */
  ReleasePolicyStatus tick() {
    ReleaseReconciler.Tick tick = reconciler.reconcile(key, release, revision).orElseThrow();
    lastMessage = tick.message();
    sample("tick");
    return tick.status();
  }

  /** Syncs and ticks in turn until the status satisfies {@code done}. */
  ReleasePolicyStatus runUntil(String what, Predicate<ReleasePolicyStatus> done, Duration timeout) {
    try {
      return Waiter.await(what, timeout, POLL, () -> {
        sync();
        ReleasePolicyStatus status = tick();
        return done.test(status) ? status : null;
      }, () -> null);
    } catch (IllegalStateException e) {
      throw new AssertionError(e.getMessage() + "; the last tick said: " + lastMessage, e);
    }
  }

  ReleasePolicyStatus status() {
    ReleasePolicy policy = client.resources(ReleasePolicy.class).inNamespace(ns.name()).withName("cart").get();
    return policy == null ? null : policy.getStatus();
  }

  Routes routes() {
    ReleasePolicy policy = client.resources(ReleasePolicy.class).inNamespace(ns.name()).withName("cart").get();
    return router.current(PolicyRef.of(policy)).orElse(null);
  }

  /** The candidate hash the canary Deployment is marked with; null when there is no canary. */
  String canaryHash() {
    Deployment canary = deployment("cart-canary");
    return canary == null || canary.getMetadata().getAnnotations() == null ? null
        : canary.getMetadata().getAnnotations().get(ReleaseAwareRender.CANDIDATE_HASH_ANNOTATION);
  }

  String canaryImage() {
    Deployment canary = deployment("cart-canary");
    return canary == null ? null : canary.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private void sample(String step) {
    samples.add(new Sample(step, routes(), canaryHash(), status()));
  }

  private Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(ns.name()).withName(name).get();
  }

  private void markRolledOut(Deployment deployment) {
    int replicas = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    Rollouts.markRolledOut(client, deployment, replicas);
  }

  private List<GenericKubernetesResource> gitObjects() {
    return List.of(parse(policyYaml), parse("""
        apiVersion: v1
        kind: Service
        metadata: {name: cart, namespace: %1$s}
        spec:
          selector: {app: cart}
          ports: [{name: http, port: 80, targetPort: 8080}]
        """.formatted(ns.name())), parse("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: cart, namespace: %1$s}
        spec:
          replicas: 2
          selector:
            matchLabels: {app: cart}
          template:
            metadata:
              labels: {app: cart}
            spec:
              containers:
                - name: app
                  image: %2$s
        """.formatted(ns.name(), image)));
  }

  private GenericKubernetesResource parse(String yaml) {
    try {
      GenericKubernetesResource object = YAML.readValue(yaml, GenericKubernetesResource.class);
      object.getMetadata().setNamespace(ns.name());
      return object;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
