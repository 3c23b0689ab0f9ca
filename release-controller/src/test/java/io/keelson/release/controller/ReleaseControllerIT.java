package io.keelson.release.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.release.analysis.Analysis;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.Verdict;
import io.keelson.release.deploy.PolicyKey;
import io.keelson.release.deploy.ReleaseAwareRender;
import io.keelson.release.istio.IstioRouter;
import io.keelson.release.model.TemplateHash;
import io.keelson.testkit.IstioTelemetry;
import io.keelson.release.prometheus.PrometheusProvider;
import io.keelson.release.strategy.ReleaseEvent;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.Routes;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.PrometheusExtension;
import io.keelson.testkit.PrometheusServer;
import io.keelson.testkit.TestNamespace;
import io.keelson.testkit.Waiter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
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

  @Test
  void aCheckMeasuringInfinityFailsTheStepAndItsStatusIsWritten(KubernetesClient client, TestNamespace ns,
      PrometheusServer prometheus) throws Exception {
    // Prometheus answers 1/0 with +Inf; JSON has no infinity and the CRD declares the value a number.
    String infinite = POLICY.replace("      errorRate: {max: 0.05}\n",
        "      errorRate: {max: 0.05}\n    - name: infinite\n      custom: {query: \"1/0\", max: 1}\n");
    assertThat(infinite).contains("name: infinite");
    Fixture fixture = setUp(client, ns, prometheus, infinite, 0.0, true);

    ReleasePolicyStatus failed = fixture.tickUntil(s -> s.getPhase() == ReleasePhase.Failed, Duration.ofSeconds(30));

    assertThat(failed.getEvidence()).anySatisfy(e -> {
      assertThat(e.check()).isEqualTo("infinite");
      assertThat(e.verdict()).isEqualTo(Verdict.FAIL);
      assertThat(e.value()).isNull();
      assertThat(e.message()).contains("+Inf");
    });
    assertThat(failed.getReason()).contains("infinite");
    assertThat(fixture.routes()).isEqualTo(Routes.STABLE);
  }

  @Test
  void aRefusedStatusWriteIsReportedAndRetriedUntilItIsWritten(KubernetesClient client, TestNamespace ns,
      PrometheusServer prometheus) throws Exception {
    Fixture fixture = setUp(client, ns, prometheus, POLICY, 0.0, true);
    // The API server's own admission refuses every status write of this namespace's policies for a while.
    String name = "refuse-status-" + ns.name();
    client.resource(refusingStatusWrites(name)).create();
    client.resource(refusingStatusWritesIn(name, ns.name())).create();
    ReleaseController controller = new ReleaseController(client, fixture.reconciler, Set.of(ns.name()),
        Clock.systemUTC());
    try (controller) {
      ReleaseReconciler.Tick refused = Waiter.await("a refused status write", Duration.ofSeconds(30),
          Duration.ofMillis(200), () -> {
            controller.observed("git", List.of(fixture.playRender()), "r2");
            return controller.tick().stream().map(ReleaseController.Ticked::tick)
                .filter(tick -> tick.failure().isPresent()).findFirst().orElse(null);
          }, () -> null);
      assertThat(refused.failure().orElseThrow()).contains("status not written").contains("refused by the test");
      assertThat(controller.lastTicks()).singleElement().satisfies(tick -> assertThat(tick.failure()).isPresent());
      String version = fixture.resourceVersion();
      assertThat(controller.tick()).singleElement().satisfies(ticked -> assertThat(ticked.tick().failure()).isPresent());
      assertThat(fixture.resourceVersion()).as("nothing written while refused").isEqualTo(version);

      client.resource(refusingStatusWritesIn(name, ns.name())).delete();
      client.resource(refusingStatusWrites(name)).delete();
      ReleaseReconciler.Tick written = Waiter.await("the status written on a later tick", Duration.ofSeconds(30),
          Duration.ofMillis(200), () -> {
            controller.observed("git", List.of(fixture.playRender()), "r2");
            ReleaseReconciler.Tick tick = controller.tick().get(0).tick();
            return tick.failure().isEmpty() && !fixture.resourceVersion().equals(version) ? tick : null;
          }, () -> null);
      assertThat(fixture.live()).isEqualTo(written.status());
      assertThat(controller.lastTicks()).singleElement().satisfies(tick -> assertThat(tick.failure()).isEmpty());
    }
  }

  private static GenericKubernetesResource refusingStatusWrites(String name) {
    return yaml("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: %s}
        spec:
          failurePolicy: Fail
          matchConstraints:
            resourceRules:
              - apiGroups: [keelson.io]
                apiVersions: ["*"]
                operations: [UPDATE]
                resources: [releasepolicies/status]
          validations:
            - expression: "false"
              message: refused by the test
        """.formatted(name));
  }

  private static GenericKubernetesResource refusingStatusWritesIn(String name, String namespace) {
    return yaml("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata: {name: %1$s}
        spec:
          policyName: %1$s
          validationActions: [Deny]
          matchResources:
            namespaceSelector:
              matchLabels: {kubernetes.io/metadata.name: %2$s}
        """.formatted(name, namespace));
  }

  /**
   * Everything a release needs, and the loop that ticks it as the agent would: Git declares the stable
   * template first, then the candidate; the real {@link ReleaseAwareRender} turns that and the live status
   * into the objects the agent would apply; the test applies them and marks the Deployments ready, as no
   * kubelet runs here.
   */
  private final class Fixture {
    final KubernetesClient client;
    final TestNamespace ns;
    final PrometheusServer prometheus;
    final PolicyKey key;
    final GenericKubernetesResource policy;
    final String candidateHash = TemplateHash.of(withLabel(template(CANDIDATE_IMAGE), "cart"));
    final ReleaseAwareRender render = new ReleaseAwareRender();
    ReleaseReconciler reconciler;

    Fixture(KubernetesClient client, TestNamespace ns, PrometheusServer prometheus, GenericKubernetesResource policy) {
      this.client = client;
      this.ns = ns;
      this.prometheus = prometheus;
      this.policy = policy;
      this.key = new PolicyKey(ns.name(), "cart");
      this.reconciler = newReconciler();
    }

    ReleaseReconciler newReconciler() {
      return new ReleaseReconciler(client, new IstioRouter(client), new Analysis(new PrometheusProvider(
          prometheus.url(), PrometheusProvider.Options.defaults())), (policy, event) -> events.add(event),
          Clock.systemUTC());
    }

    String resourceVersion() {
      return client.resources(ReleasePolicy.class).inNamespace(ns.name()).withName("cart").get().getMetadata()
          .getResourceVersion();
    }

    ReleasePolicyStatus live() {
      ReleasePolicy live = client.resources(ReleasePolicy.class).inNamespace(ns.name()).withName("cart").get();
      return live.getStatus() == null ? new ReleasePolicyStatus() : live.getStatus();
    }

    /** One tick, with what render emitted for the revision and the live status. */
    ReleasePolicyStatus tick() {
      ReleasePolicyStatus status = live();
      boolean first = status.getStableTemplate() == null;
      return reconciler.reconcile(key, playRender(), first ? "r1" : "r2").orElseThrow().status();
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
      ReleasePolicy live = client.resources(ReleasePolicy.class).inNamespace(ns.name()).withName("cart").get();
      return new IstioRouter(client).current(PolicyRef.of(live)).orElseThrow();
    }

    /**
     * The agent's part: render Git (the stable image until a stable template is recorded, then the candidate)
     * with the live status, apply the Deployments and Services, remove a canary render no longer emits, and
     * mark the Deployments ready.
     */
    ReleaseAwareRender.Release playRender() {
      ReleasePolicyStatus status = live();
      String image = status.getStableTemplate() == null ? STABLE_IMAGE : CANDIDATE_IMAGE;
      ReleaseAwareRender.Result result = render.apply(List.of(policy, service("cart"), deployment(image)),
          Map.of(key, status));
      assertThat(result.problems()).isEmpty();
      boolean canary = false;
      for (GenericKubernetesResource object : result.objects()) {
        if (object.getKind().equals("Deployment") || object.getKind().equals("Service")) {
          client.resource(object).fieldManager("keelson").forceConflicts().serverSideApply();
          canary |= object.getMetadata().getName().equals("cart-canary") && object.getKind().equals("Deployment");
        }
      }
      if (!canary) {
        client.apps().deployments().inNamespace(ns.name()).withName("cart-canary").delete();
      }
      client.apps().deployments().inNamespace(ns.name()).list().getItems().forEach(this::ready);
      return result.releases().get(0);
    }

    private GenericKubernetesResource deployment(String image) {
      return yaml("""
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: cart, namespace: %s}
          spec:
            replicas: 1
            selector: {matchLabels: {app: cart}}
            template:
              metadata: {labels: {app: cart}}
              spec: {containers: [{name: app, image: "%s"}]}
          """.formatted(ns.name(), image));
    }

    private GenericKubernetesResource service(String name) {
      return yaml("""
          apiVersion: v1
          kind: Service
          metadata: {name: %1$s, namespace: %2$s}
          spec:
            selector: {app: %1$s}
            ports: [{name: http, port: 80}]
          """.formatted(name, ns.name()));
    }

    private void ready(Deployment deployment) {
      Rollouts.markRolledOut(client, deployment, 1);
    }
  }

  private Fixture setUp(KubernetesClient client, TestNamespace ns, PrometheusServer prometheus, double canaryErrors,
      boolean canaryTraffic) throws Exception {
    return setUp(client, ns, prometheus, POLICY, canaryErrors, canaryTraffic);
  }

  private Fixture setUp(KubernetesClient client, TestNamespace ns, PrometheusServer prometheus, String policyYaml,
      double canaryErrors, boolean canaryTraffic) throws Exception {
    GenericKubernetesResource policy = yaml(policyYaml);
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

    Fixture fixture = new Fixture(client, ns, prometheus, policy);
    ReleasePolicyStatus recorded = fixture.tick();
    assertThat(recorded.getStableTemplate()).as("the first tick records the released template").isNotNull();
    return fixture;
  }

  private static GenericKubernetesResource yaml(String text) {
    try {
      return new ObjectMapper(new YAMLFactory()).readValue(text, GenericKubernetesResource.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
