package io.keelson.agent.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keelson.agent.leader.WriteFence;
import io.keelson.agent.metrics.AgentMetrics;
import io.keelson.release.analysis.Analysis;
import io.keelson.release.analysis.QueryResult;
import io.keelson.release.api.ReleaseIdentity;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.controller.ReleaseController;
import io.keelson.release.controller.ReleaseReconciler;
import io.keelson.release.deploy.PolicyKey;
import io.keelson.release.istio.IstioRouter;
import io.keelson.release.model.TemplateHash;
import io.keelson.release.strategy.ManualAction;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.Routes;
import io.keelson.release.traffic.TrafficRouter;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import io.keelson.testkit.Waiter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Release ticks driven by watch events on the real API server (Istio's and Keelson's CRDs). The release sits
 * in the middle of a step whose analysis is an hour away, and the safety poll is an hour apart too: whatever ticks it within the test's deadline was set off by a watch event.
 */
@ControlPlaneTest(crds = {"crds/releasepolicies.keelson.io.yaml", "crds/istio-networking.yaml"})
class ReleaseTicksIT {

  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration PROMPTLY = Duration.ofSeconds(30);
  private static final PodTemplateSpec STABLE = template("shop/cart:1.0");
  private static final PodTemplateSpec CANDIDATE = template("shop/cart:2.0");

  private ReleaseController releases;
  private ReleaseTicks ticks;
  private SyncScheduler syncs;

  @AfterEach
  void close() {
    if (ticks != null) {
      ticks.close();
    }
    if (releases != null) {
      releases.close();
    }
    if (syncs != null) {
      syncs.close();
    }
  }

  @Test
  void whenTheVirtualServiceIsEditedByHand_thenItsWatchEventTicksTheReleaseWhichPutsTheWeightBack(
      KubernetesClient client, TestNamespace ns) {
    PolicyRef policy = PolicyRef.of(policyAtFirstStep(client, ns));
    CountingRouter router = new CountingRouter(new IstioRouter(client));
    start(client, ns, router);
    awaitRoutes(client, policy, "the step's weight written by the first tick", new Routes(20, false));
    int ticksBefore = router.reconciles.get();

    new IstioRouter(client).reconcile(policy, Routes.STABLE); // as a hand edit would
    awaitRoutes(client, policy, "the weight put back", new Routes(20, false));

    assertThat(router.reconciles.get()).as("ticks after the edit").isGreaterThan(ticksBefore);
    System.out.printf("hand edit of the VirtualService undone by a watch-driven tick (%d tick(s) in all; analysis and"
        + " safety poll an hour away)%n", router.reconciles.get());
  }

  @Test
  void whenAnActionIsRequested_thenThePolicysWatchEventTicksTheReleaseWhichCarriesItOut(KubernetesClient client,
      TestNamespace ns) {
    policyAtFirstStep(client, ns);
    CountingRouter router = new CountingRouter(new IstioRouter(client));
    start(client, ns, router);
    PolicyKey key = new PolicyKey(ns.name(), "cart");
    Waiter.await("the first tick", PROMPTLY, Duration.ofMillis(50),
        () -> router.reconciles.get() > 0 ? true : null, () -> null);

    releases.request(key, ManualAction.Kind.PAUSE, "test");

    ReleasePolicyStatus paused = Waiter.await("the release paused", PROMPTLY, Duration.ofMillis(50),
        () -> Optional.ofNullable(status(client, ns)).filter(s -> Boolean.TRUE.equals(s.getPaused())).orElse(null),
        () -> null);
    assertThat(paused.getActions()).anySatisfy(action -> assertThat(action.by()).isEqualTo("test"));
  }

  @Test
  void everyObjectAReleaseWaitsOnTellsItsPolicyWhenItChanges(KubernetesClient client, TestNamespace ns) {
    policyAtFirstStep(client, ns);
    PolicyKey key = new PolicyKey(ns.name(), "cart");
    releases = new ReleaseController(client, reconciler(client, new IstioRouter(client)), Set.of(ns.name()),
        Clock.systemUTC());
    BlockingQueue<PolicyKey> changed = new LinkedBlockingQueue<>();
    releases.watch(null, changed::add);
    awaitChange(changed, key, "the policy listed");

    client.apps().deployments().inNamespace(ns.name()).resource(deployment("cart-canary")).create();
    awaitChange(changed, key, "the canary Deployment created");
    client.apps().deployments().inNamespace(ns.name()).resource(deployment("cart")).create();
    awaitChange(changed, key, "the stable Deployment created");
    client.apps().deployments().inNamespace(ns.name()).resource(deployment("unrelated")).create();
    PolicyRef policy = PolicyRef.of(client.resources(ReleasePolicy.class).inNamespace(ns.name()).withName("cart").get());
    new IstioRouter(client).reconcile(policy, new Routes(20, false));
    awaitChange(changed, key, "the VirtualService written");

    assertThat(changed).as("nothing but the cart policy told").allMatch(key::equals);
  }

  private void start(KubernetesClient client, TestNamespace ns, TrafficRouter router) {
    releases = new ReleaseController(client, reconciler(client, router), Set.of(ns.name()), Clock.systemUTC());
    syncs = new SyncScheduler(Map.of(), Map.of());
    ticks = new ReleaseTicks(releases, new ReleaseFollowUp(syncs, new AgentMetrics(new PrometheusRegistry())),
        WriteFence.unfenced(), policy -> true, HOUR, null, Clock.systemUTC());
    ticks.start();
  }

  /** An hour-long step: its analysis never falls due during the test, and nothing may query Prometheus. */
  private static ReleaseReconciler reconciler(KubernetesClient client, TrafficRouter router) {
    Analysis noMetrics = new Analysis((promql, at) -> new QueryResult.NoData("not queried in this test"));
    return new ReleaseReconciler(client, router, noMetrics, (policy, event) -> { }, Clock.systemUTC());
  }

  /** The cart policy in the middle of its first weighted step (20%), as a previous leader left it. */
  private static ReleasePolicy policyAtFirstStep(KubernetesClient client, TestNamespace ns) {
    ReleasePolicy policy = Serialization.unmarshal("""
        apiVersion: keelson.io/v1alpha1
        kind: ReleasePolicy
        metadata: {name: cart}
        spec:
          targetRef: {name: cart}
          service: {name: cart, port: 80}
          steps: {weights: [20, 50], interval: 1h}
          checks:
            - name: errors
              minRequests: 10
              errorRate: {max: 0.05}
        """, ReleasePolicy.class);
    ReleasePolicy created = client.resources(ReleasePolicy.class).inNamespace(ns.name()).resource(policy).create();
    String now = Instant.now().toString();
    ReleasePolicyStatus status = new ReleasePolicyStatus();
    status.setPhase(ReleasePhase.Progressing);
    status.setStable(new ReleaseIdentity(TemplateHash.of(STABLE), "r1", 1));
    status.setStableTemplate(STABLE);
    status.setCandidate(new ReleaseIdentity(TemplateHash.of(CANDIDATE), "r2", 1));
    status.setCandidateTemplate(CANDIDATE);
    status.setReleaseStartedAt(now);
    status.setStep(1);
    status.setCanaryWeight(20);
    status.setStepStartedAt(now);
    status.setFailures(0);
    created.setStatus(status);
    return client.resources(ReleasePolicy.class).inNamespace(ns.name()).resource(created).updateStatus();
  }

  private static ReleasePolicyStatus status(KubernetesClient client, TestNamespace ns) {
    ReleasePolicy policy = client.resources(ReleasePolicy.class).inNamespace(ns.name()).withName("cart").get();
    return policy == null ? null : policy.getStatus();
  }

  private static void awaitRoutes(KubernetesClient client, PolicyRef policy, String what, Routes expected) {
    IstioRouter reader = new IstioRouter(client);
    Waiter.await(what, PROMPTLY, Duration.ofMillis(50),
        () -> reader.current(policy).filter(expected::equals).orElse(null), () -> null);
  }

  private static void awaitChange(BlockingQueue<PolicyKey> changed, PolicyKey key, String what) {
    Waiter.await(what + " tells " + key, PROMPTLY, Duration.ofMillis(20),
        () -> key.equals(changed.poll()) ? true : null, () -> null);
    changed.clear();
  }

  private static io.fabric8.kubernetes.api.model.apps.Deployment deployment(String name) {
    return new DeploymentBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
        .withNewSelector().addToMatchLabels("app", name).endSelector()
        .withTemplate(new PodTemplateSpecBuilder(STABLE).editMetadata().addToLabels("app", name).endMetadata().build())
        .endSpec().build();
  }

  private static PodTemplateSpec template(String image) {
    return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "cart").endMetadata()
        .withNewSpec().addNewContainer().withName("cart").withImage(image).endContainer().endSpec().build();
  }

  /** The Istio router, counting its reconciles: one per tick. */
  private static final class CountingRouter implements TrafficRouter {

    final AtomicInteger reconciles = new AtomicInteger();
    private final TrafficRouter delegate;

    CountingRouter(TrafficRouter delegate) {
      this.delegate = delegate;
    }

    @Override
    public void reconcile(PolicyRef policy, Routes routes) {
      reconciles.incrementAndGet();
      delegate.reconcile(policy, routes);
    }

    @Override
    public Optional<Routes> current(PolicyRef policy) {
      return delegate.current(policy);
    }

    @Override
    public void finalize(PolicyRef policy) {
      delegate.finalize(policy);
    }
  }
}
