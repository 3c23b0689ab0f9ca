package io.keelson.release.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.release.analysis.Analysis;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.Verdict;
import io.keelson.release.deploy.ObjectId;
import io.keelson.release.deploy.PolicyKey;
import io.keelson.release.deploy.ReleaseAwareRender;
import io.keelson.release.deploy.ReleaseAwareRender.ReleaseState;
import io.keelson.release.istio.IstioRouter;
import io.keelson.release.model.TemplateHash;
import io.keelson.release.prometheus.IstioTelemetry;
import io.keelson.release.prometheus.PrometheusProvider;
import io.keelson.release.strategy.ReleaseEvent;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.Routes;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.PrometheusExtension;
import io.keelson.testkit.PrometheusServer;
import io.keelson.testkit.TestNamespace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Whole releases against the real API server (Istio networking CRDs installed) and the real Prometheus,
 * scraping an exporter whose canary error rate the test sets. The test plays the agent's part: it keeps
 * the Deployments as render would and marks them ready, as no kubelet runs here.
 */
@ControlPlaneTest(crds = {"crds/releasepolicies.keelson.io.yaml", "crds/istio-networking.yaml"})
@ExtendWith(PrometheusExtension.class)
class ReleaseControllerIT {

  private static final String STABLE_IMAGE = "shop/cart:1.0";
  private static final String CANDIDATE_IMAGE = "shop/cart:2.0";
  private static final Duration TICK = Duration.ofMillis(500);

  private final List<ReleaseEvent> events = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
  private IstioTelemetry telemetry;

  @AfterEach
  void stop() {
    traffic.shutdownNow();
    if (telemetry != null) {
      telemetry.close();
    }
  }

  private static final String POLICY = """
      apiVersion: keelson.io/v1alpha1
      kind: ReleasePolicy
      metadata:
        name: cart
      spec:
        targetRef: {name: cart}
        service: {name: cart, port: 80}
        testRoute:
          header: x-canary
          match: {type: exact, value: "1"}
          duration: 4s
        steps: {weights: [20, 60], interval: 4s}
        checks:
          - name: errors
            minRequests: 10
            errorRate: {max: 0.05}
        inconclusiveBudget: 6s
        progressDeadline: 60s
      """;

  @Test
  void aHealthyCanaryIsTestedSteppedAndPromotedAndARestartResumesAtTheSameStep(KubernetesClient client,
      TestNamespace ns, PrometheusServer prometheus) throws Exception {
    Fixture fixture = setUp(client, ns, prometheus, 0.0, true);

    ReleasePolicyStatus progressing = fixture.tickUntil(s -> s.getPhase() == ReleasePhase.Progressing,
        Duration.ofSeconds(30));
    // A restart: a brand-new reconciler, nothing but the cluster to go on.
    fixture.reconciler = fixture.newReconciler();
    ReleasePolicyStatus resumed = fixture.tick();
    assertThat(resumed.getPhase()).isEqualTo(ReleasePhase.Progressing);
    assertThat(resumed.getStep()).isEqualTo(progressing.getStep());
    assertThat(resumed.getStepStartedAt()).isEqualTo(progressing.getStepStartedAt());

    ReleasePolicyStatus done = fixture.tickUntil(s -> s.getPhase() == ReleasePhase.Succeeded, Duration.ofSeconds(60));

    assertThat(done.getStable().templateHash()).isEqualTo(fixture.candidateHash);
    assertThat(done.getCandidate()).isNull();
    assertThat(events).extracting(ReleaseEvent::to).contains(ReleasePhase.Deploying, ReleasePhase.Testing,
        ReleasePhase.Progressing, ReleasePhase.Promoting, ReleasePhase.Succeeded);
    assertThat(fixture.routes()).isEqualTo(Routes.STABLE);
    assertThat(done.getEvidence()).allSatisfy(e -> assertThat(e.verdict()).isEqualTo(Verdict.PASS));
  }

  @Test
  void aBreachRollsTrafficBackWithinOneIntervalAndFailsTheRelease(KubernetesClient client, TestNamespace ns,
      PrometheusServer prometheus) throws Exception {
    Fixture fixture = setUp(client, ns, prometheus, 0.3, true);

    ReleasePolicyStatus testing = fixture.tickUntil(s -> s.getPhase() == ReleasePhase.Testing, Duration.ofSeconds(20));
    assertThat(fixture.routes().testRoute()).isTrue();
    ReleasePolicyStatus rolledBack = fixture.tickUntil(s -> s.getPhase() == ReleasePhase.RollingBack
        || s.getPhase() == ReleasePhase.Failed, Duration.ofSeconds(30));
    Routes afterBreach = fixture.routes();
    Instant atZero = Instant.now();
    ReleasePolicyStatus failed = fixture.tickUntil(s -> s.getPhase() == ReleasePhase.Failed, Duration.ofSeconds(10));

    assertThat(afterBreach).isEqualTo(Routes.STABLE);
    assertThat(rolledBack.getEvidence()).anySatisfy(e -> assertThat(e.verdict()).isEqualTo(Verdict.FAIL));
    assertThat(failed.getHistory()).last().satisfies(h -> assertThat(h.phase()).isEqualTo(ReleasePhase.Failed));
    assertThat(events).extracting(ReleaseEvent::to).doesNotContain(ReleasePhase.Promoting);
    Instant breach = rolledBack.getEvidence().stream().filter(e -> e.verdict() == Verdict.FAIL)
        .map(e -> Instant.parse(e.windowEnd())).findFirst().orElseThrow();
    System.out.printf("breach measured at %s (testing since %s, interval 4s, scrape 1s); canary weight seen at 0%%"
        + " %d ms later; status of the rolled-back release:%n%s%n", breach, testing.getStepStartedAt(),
        Duration.between(breach, atZero).toMillis(), new ObjectMapper(new YAMLFactory())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsString(failed));
  }

  @Test
  void noTrafficIsInconclusiveHoldsAndFailsClosedNeverPromoted(KubernetesClient client, TestNamespace ns,
      PrometheusServer prometheus) throws Exception {
    Fixture fixture = setUp(client, ns, prometheus, 0.0, false);

    ReleasePolicyStatus failed = fixture.tickUntil(s -> s.getPhase() == ReleasePhase.Failed, Duration.ofSeconds(40));

    assertThat(failed.getEvidence()).isNotEmpty()
        .allSatisfy(e -> assertThat(e.verdict()).isEqualTo(Verdict.INCONCLUSIVE));
    assertThat(failed.getHistory()).last().satisfies(h -> assertThat(h.reason()).contains("inconclusive"));
    assertThat(events).extracting(ReleaseEvent::to).doesNotContain(ReleasePhase.Progressing, ReleasePhase.Promoting);
    assertThat(fixture.routes()).isEqualTo(Routes.STABLE);
  }

  /** Everything a release needs, and the loop that ticks it as the agent would. */
  private final class Fixture {
    final KubernetesClient client;
    final TestNamespace ns;
    final PrometheusServer prometheus;
    final PolicyKey key;
    final PodTemplateSpec stableTemplate = template(STABLE_IMAGE);
    final PodTemplateSpec candidateTemplate = template(CANDIDATE_IMAGE);
    final String stableHash = TemplateHash.of(stableTemplate);
    final String candidateHash = TemplateHash.of(candidateTemplate);
    ReleaseReconciler reconciler;

    Fixture(KubernetesClient client, TestNamespace ns, PrometheusServer prometheus) {
      this.client = client;
      this.ns = ns;
      this.prometheus = prometheus;
      this.key = new PolicyKey(ns.name(), "cart");
      this.reconciler = newReconciler();
    }

    ReleaseReconciler newReconciler() {
      return new ReleaseReconciler(client, new IstioRouter(client), new Analysis(new PrometheusProvider(
          prometheus.url(), PrometheusProvider.Options.defaults())), (policy, event) -> events.add(event),
          Clock.systemUTC());
    }

    /** One tick, with render's view of where the release stands (derived from the status, as render does). */
    ReleasePolicyStatus tick() {
      ReleasePolicy policy = client.resources(ReleasePolicy.class).inNamespace(ns.name()).withName("cart").get();
      ReleasePolicyStatus status = policy.getStatus();
      ReleaseState state;
      if (status == null || status.getStableTemplate() == null) {
        state = ReleaseState.UNRELEASED;
      } else if (status.getPhase() == ReleasePhase.Promoting) {
        state = ReleaseState.PROMOTING;
      } else if (status.getPhase() == ReleasePhase.Failed || status.getPhase() == ReleasePhase.RollingBack) {
        state = ReleaseState.HELD_BACK;
      } else if (candidateHash.equals(TemplateHash.of(status.getStableTemplate()))) {
        state = ReleaseState.STEADY;
      } else {
        state = ReleaseState.CANARY;
      }
      playRender(state);
      // First sight: render reports the stable template as Git's until the controller records it.
      boolean first = state == ReleaseState.UNRELEASED;
      ReleaseAwareRender.Release release = new ReleaseAwareRender.Release(key,
          new ObjectId("apps/v1", "Deployment", ns.name(), "cart"), state, first ? stableHash : candidateHash,
          first ? null : stableHash, first ? stableTemplate : candidateTemplate);
      return reconciler.reconcile(key, release, first ? "r1" : "r2").orElseThrow().status();
    }

    ReleasePolicyStatus tickUntil(java.util.function.Predicate<ReleasePolicyStatus> done, Duration timeout)
        throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      ReleasePolicyStatus status = tick();
      while (!done.test(status)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("release did not get there within " + timeout + "; at " + status.getPhase()
              + " step " + status.getStep() + ", evidence " + status.getEvidence());
        }
        Thread.sleep(TICK.toMillis());
        status = tick();
      }
      return status;
    }

    Routes routes() {
      ReleasePolicy policy = client.resources(ReleasePolicy.class).inNamespace(ns.name()).withName("cart").get();
      return new IstioRouter(client).current(PolicyRef.of(policy)).orElseThrow();
    }

    /** The agent's render: stable keeps the released template (or rolls when promoting), the canary runs. */
    void playRender(ReleaseState state) {
      boolean promoting = state == ReleaseState.PROMOTING || state == ReleaseState.STEADY;
      ready(deployment("cart", Map.of("app", "cart"), promoting ? candidateTemplate : stableTemplate,
          promoting ? candidateHash : stableHash));
      if (state == ReleaseState.CANARY || state == ReleaseState.PROMOTING) {
        ready(deployment("cart-canary", Map.of("app", "cart-canary"), withLabel(candidateTemplate, "cart-canary"),
            candidateHash));
      }
    }

    private Deployment deployment(String name, Map<String, String> selector, PodTemplateSpec template, String hash) {
      Deployment desired = new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(ns.name())
          .withAnnotations(Map.of(ReleaseAwareRender.TEMPLATE_HASH_ANNOTATION, hash,
              ReleaseAwareRender.CANDIDATE_HASH_ANNOTATION, hash)).endMetadata()
          .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(selector).endSelector()
          .withTemplate(withLabel(template, selector.get("app"))).endSpec().build();
      return client.resource(desired).fieldManager("keelson").forceConflicts().serverSideApply();
    }

    private void ready(Deployment deployment) {
      deployment.setStatus(new DeploymentStatusBuilder().withObservedGeneration(deployment.getMetadata().getGeneration())
          .withReplicas(1).withUpdatedReplicas(1).withReadyReplicas(1).withAvailableReplicas(1).build());
      client.resource(deployment).updateStatus();
    }
  }

  private Fixture setUp(KubernetesClient client, TestNamespace ns, PrometheusServer prometheus, double canaryErrors,
      boolean canaryTraffic) throws Exception {
    for (String name : List.of("cart", "cart-canary")) {
      Service service = new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns.name()).endMetadata()
          .withNewSpec().withSelector(Map.of("app", name)).addNewPort().withName("http").withPort(80).endPort()
          .endSpec().build();
      client.resource(service).create();
    }
    ReleasePolicy policy = new ObjectMapper(new YAMLFactory()).readValue(POLICY, ReleasePolicy.class);
    policy.getMetadata().setNamespace(ns.name());
    client.resource(policy).fieldManager("keelson").forceConflicts().serverSideApply();

    telemetry = new IstioTelemetry(prometheus, ns.name(), "cart", "cart-canary");
    // Steady traffic, 10 bursts a second: stable always healthy, the canary as the test says.
    traffic.scheduleAtFixedRate(() -> {
      telemetry.serve("cart", 4, "200", 20);
      if (canaryTraffic) {
        int errors = (int) Math.round(4 * canaryErrors);
        telemetry.serve("cart-canary", 4 - errors, "200", 20);
        telemetry.serve("cart-canary", errors, "503", 20);
      }
    }, 0, 100, TimeUnit.MILLISECONDS);

    Fixture fixture = new Fixture(client, ns, prometheus);
    ReleasePolicyStatus recorded = fixture.tick();
    assertThat(recorded.getStableTemplate()).as("the first tick records the released template").isNotNull();
    return fixture;
  }

  private static PodTemplateSpec template(String image) {
    return new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder().withNewSpec().addNewContainer()
        .withName("app").withImage(image).endContainer().endSpec().build();
  }

  private static PodTemplateSpec withLabel(PodTemplateSpec template, String app) {
    return new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder(template).withNewMetadata()
        .withLabels(Map.of("app", app)).endMetadata().build();
  }
}
