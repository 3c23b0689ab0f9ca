package io.keelson.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.agent.git.GitServers;
import io.keelson.agent.git.TestRepo;
import io.keelson.agent.sync.CartManifests;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.istio.IstioRouter;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.Routes;
import io.keelson.testkit.Closer;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.IstioTelemetry;
import io.keelson.testkit.PrometheusExtension;
import io.keelson.testkit.PrometheusServer;
import io.keelson.testkit.TestNamespace;
import io.keelson.testkit.Waiter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Releases driven by the whole agent while Git and syncs misbehave, on the real API server (Istio's and
 * Keelson's CRDs) with the real Prometheus scraping telemetry the test serves. No kubelet runs here: the test
 * marks the cart Deployments ready as their controller would (while it lets them run), and leaves any other
 * Deployment never ready.
 */
@ControlPlaneTest(crds = {"crds/releasepolicies.keelson.io.yaml", "crds/istio-networking.yaml"})
@ExtendWith(PrometheusExtension.class)
class ReleasesUnderFaultsIT {

  private static final Duration INTERVAL = Duration.ofSeconds(4);

  @TempDir Path temp;
  @RegisterExtension final Closer closer = new Closer();
  private final ScheduledExecutorService background = Executors.newScheduledThreadPool(2);
  private final AtomicInteger canaryErrorsPercent = new AtomicInteger();
  /** The Deployments whose every generation rolls out at once; any other is never ready. */
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  @AfterEach
  void closeAll() throws Exception {
    background.shutdownNow();
  }

  @Test
  void whenTheAgentRestartsWithGitDownAndTheCanaryFailing_thenTheReleaseRollsBackWithinOneInterval(
      ControlPlane plane, KubernetesClient client, TestNamespace ns, PrometheusServer prometheus) {
    Shop shop = shop(plane, client, ns, prometheus, "1h", List.of("apps"), "0s");
    RunningAgent first = shop.startAgent("agent-a");
    shop.releaseCandidate(first);
    shop.awaitRelease("the candidate under production weight", Duration.ofSeconds(60),
        s -> s.getPhase() == ReleasePhase.Progressing && s.getCanaryWeight() != null && s.getCanaryWeight() > 0);

    first.close();
    closer.forget(first);
    shop.http().close();
    canaryErrorsPercent.set(100);
    RunningAgent second = shop.startAgent("agent-b");
    AgentIT.await("the restarted agent to lead", Duration.ofSeconds(20), () -> second.status().path("leader").asBoolean());
    long leading = System.nanoTime();

    shop.awaitRoutes("all traffic back to stable", INTERVAL.plusSeconds(2), routes -> routes.equals(Routes.STABLE));
    long rolledBack = (System.nanoTime() - leading) / 1_000_000;
    ReleasePolicyStatus failed = shop.awaitRelease("the release failed", Duration.ofSeconds(10),
        s -> s.getPhase() == ReleasePhase.Failed);
    assertThat(failed.getReason()).contains("errors");
    System.out.printf("restart with Git down: traffic back to stable %d ms after the new agent led (interval %d s)%n",
        rolledBack, INTERVAL.toSeconds());
  }

  @Test
  void whenARollbackIsDecidedWhilePromotingWithGitDown_thenStableGetsItsTemplateBackAtOnce(ControlPlane plane,
      KubernetesClient client, TestNamespace ns, PrometheusServer prometheus) {
    // Polling once an hour: only a sync triggered by the release's own decision can restore stable.
    Shop shop = shop(plane, client, ns, prometheus, "1h", List.of("apps"), "0s");
    RunningAgent agent = shop.startAgent("agent-a");
    promotingForever(shop, agent);

    shop.http().close();
    abortRestoresStable(shop, agent);
  }

  @Test
  void whenTheAgentRestartsWithGitDownAndARollbackIsDecidedWhilePromoting_thenStableGetsItsTemplateBackAtOnce(
      ControlPlane plane, KubernetesClient client, TestNamespace ns, PrometheusServer prometheus) {
    Shop shop = shop(plane, client, ns, prometheus, "1h", List.of("apps"), "0s");
    RunningAgent first = shop.startAgent("agent-a");
    promotingForever(shop, first);

    first.close();
    closer.forget(first);
    shop.http().close();
    // The same replica again, with the cache it kept on disk, and nothing fetched since it started.
    RunningAgent again = shop.startAgent("agent-a");
    AgentIT.await("the restarted agent to lead", Duration.ofSeconds(20), () -> again.status().path("leader").asBoolean());
    abortRestoresStable(shop, again);
  }

  /** Releases cart 2.0 up to Promoting, where it stays: from then on stable never finishes rolling it out. */
  private void promotingForever(Shop shop, RunningAgent agent) {
    shop.releaseCandidate(agent);
    shop.awaitRelease("the candidate under production weight", Duration.ofSeconds(60),
        s -> s.getPhase() == ReleasePhase.Progressing && s.getCanaryWeight() != null && s.getCanaryWeight() > 0);
    running.remove("cart");
    shop.awaitRelease("the release promoting", Duration.ofSeconds(60), s -> s.getPhase() == ReleasePhase.Promoting);
    AgentIT.await("stable rolling out the candidate", Duration.ofSeconds(15),
        () -> "shop/cart:2.0".equals(image(shop.client, shop.ns, "cart")));
  }

  /** With Git down, an abort while promoting gives stable its template back through a sync of the last checkout. */
  private static void abortRestoresStable(Shop shop, RunningAgent agent) {
    assertThat(agent.releaseAction(shop.ns.name(), "cart", "abort", RunningAgent.API_TOKEN).statusCode())
        .isEqualTo(202);

    AgentIT.await("stable's template back while Git is down", Duration.ofSeconds(20),
        () -> "shop/cart:1.0".equals(image(shop.client, shop.ns, "cart")));
    shop.awaitRelease("the release failed", Duration.ofSeconds(10), s -> s.getPhase() == ReleasePhase.Failed);
    JsonNode source = agent.source("apps");
    assertThat(source.path("stale").asBoolean()).as("Git is still down").isTrue();
    assertThat(source.path("lastSync").path("outcome").asText()).isEqualTo("APPLIED");
  }

  private static String image(KubernetesClient client, TestNamespace ns, String deployment) {
    Deployment found = client.apps().deployments().inNamespace(ns.name()).withName(deployment).get();
    return found == null ? null : found.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  @Test
  void whenThePolicyPromotes_thenTheSourceSyncsAtOnceRatherThanAtItsNextPoll(ControlPlane plane,
      KubernetesClient client, TestNamespace ns, PrometheusServer prometheus) {
    // Polling once an hour: only a sync triggered by the release's own decisions can roll stable.
    Shop shop = shop(plane, client, ns, prometheus, "1h", List.of("apps"), "0s");
    RunningAgent agent = shop.startAgent("agent-a");
    shop.releaseCandidate(agent);

    shop.awaitRelease("the release promoted", Duration.ofSeconds(60), s -> s.getPhase() == ReleasePhase.Succeeded);

    AgentIT.await("the canary removed by the sync after promotion", Duration.ofSeconds(15),
        () -> client.apps().deployments().inNamespace(ns.name()).withName("cart-canary").get() == null);
    assertThat(image(client, ns, "cart")).isEqualTo("shop/cart:2.0");
  }

  @Test
  void whenEverySourceIsStuckInAHealthWait_thenReleaseTicksGoOn(ControlPlane plane, KubernetesClient client,
      TestNamespace ns, PrometheusServer prometheus) {
    List<String> sources = List.of("apps", "other-1", "other-2");
    // Long enough to outlast the release steps; a stopping agent waits for its syncs, so not an hour.
    Shop shop = shop(plane, client, ns, prometheus, "1h", sources, "45s");
    RunningAgent agent = shop.startAgent("agent-a");
    shop.releaseCandidate(agent);
    ReleasePolicyStatus first = shop.awaitRelease("the first weighted step", Duration.ofSeconds(60),
        s -> s.getPhase() == ReleasePhase.Progressing && Integer.valueOf(20).equals(s.getCanaryWeight()));

    // A Deployment that never becomes ready in every source: each sync then waits 45 s for it.
    for (String source : sources) {
      shop.repo().write(source + "/stuck.yaml", stuckDeployment("stuck-" + source));
    }
    String stuck = shop.repo().commit("a Deployment that never becomes ready, everywhere");
    sources.forEach(agent::signedWebhook);
    for (String source : sources) {
      AgentIT.await(source + " stuck in its health wait", Duration.ofSeconds(20),
          () -> stuck.equals(agent.source(source).path("fetched").path("sha").asText())
              && client.apps().deployments().inNamespace(ns.name()).withName("stuck-" + source).get() != null);
    }

    ReleasePolicyStatus promoting = shop.awaitRelease("the release stepped on to promotion", Duration.ofSeconds(30),
        s -> s.getPhase() == ReleasePhase.Promoting);
    assertThat(promoting.getCandidate()).isEqualTo(first.getCandidate());
    for (String source : sources) {
      JsonNode view = agent.source(source);
      assertThat(view.path("applied").path("sha").asText()).as(source + " still waiting").isNotEqualTo(stuck);
    }
  }

  private static String stuckDeployment(String name) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %1$s}
        spec:
          selector: {matchLabels: {app: %1$s}}
          template:
            metadata: {labels: {app: %1$s}}
            spec: {containers: [{name: app, image: "shop/%1$s:1.0"}]}
        """.formatted(name);
  }

  private Shop shop(ControlPlane plane, KubernetesClient client, TestNamespace ns, PrometheusServer prometheus,
      String interval, List<String> sources, String healthTimeout) {
    GitServers servers = closer.add(new GitServers(temp.resolve("git")));
    TestRepo repo = closer.add(TestRepo.create(servers.base(), "config"));
    for (String source : sources) {
      if (!source.equals("apps")) {
        repo.write(source + "/settings.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings-%s}
            data: {colour: blue}
            """.formatted(source));
      }
    }
    repo.write("apps/policy.yaml", """
        apiVersion: keelson.io/v1alpha1
        kind: ReleasePolicy
        metadata:
          name: cart
        spec:
          targetRef: {name: cart}
          service: {name: cart, port: 80}
          steps: {weights: [20, 50], interval: 4s}
          checks:
            - name: errors
              minRequests: 10
              errorRate: {max: 0.05}
          failureThreshold: 1
          progressDeadline: 60s
        """).write("apps/service.yaml", CartManifests.SERVICE)
        .write("apps/cart.yaml", CartManifests.deployment("shop/cart:1.0"));
    repo.commit("cart under a release policy");
    GitServers.Running http = servers.http(RunningAgent.GIT_USER, RunningAgent.GIT_PASSWORD);

    running.addAll(Set.of("cart", "cart-canary"));
    IstioTelemetry telemetry = closer.add(new IstioTelemetry(prometheus, ns.name(), "cart", "cart-canary"));
    background.scheduleAtFixedRate(() -> {
      telemetry.serve("cart", 5, "200", 20);
      int errors = canaryErrorsPercent.get() * 5 / 100;
      telemetry.serve("cart-canary", 5 - errors, "200", 20);
      telemetry.serve("cart-canary", errors, "503", 20);
    }, 0, 100, TimeUnit.MILLISECONDS);
    background.scheduleWithFixedDelay(() -> markReady(client, ns), 0, 100, TimeUnit.MILLISECONDS);
    return new Shop(plane, client, ns, prometheus, repo, http, interval, sources, healthTimeout);
  }

  /** The Deployment controller and kubelet for the cart Deployments: every generation rolls out at once. */
  private void markReady(KubernetesClient client, TestNamespace ns) {
    try {
      for (Deployment deployment : client.apps().deployments().inNamespace(ns.name()).list().getItems()) {
        long generation = deployment.getMetadata().getGeneration();
        boolean current = deployment.getStatus() != null
            && Long.valueOf(generation).equals(deployment.getStatus().getObservedGeneration());
        if (running.contains(deployment.getMetadata().getName()) && !current) {
          int replicas = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
          deployment.setStatus(new DeploymentStatusBuilder().withObservedGeneration(generation).withReplicas(replicas)
              .withUpdatedReplicas(replicas).withReadyReplicas(replicas).withAvailableReplicas(replicas).build());
          client.resource(deployment).updateStatus();
        }
      }
    } catch (RuntimeException conflict) {
      // A Deployment changed meanwhile; the next pass marks its new generation.
    }
  }

  /** The repository, the Git server and the agent settings of one test; the questions the tests ask. */
  private final class Shop {
    final ControlPlane plane;
    final KubernetesClient client;
    final TestNamespace ns;
    final PrometheusServer prometheus;
    final TestRepo repo;
    final GitServers.Running http;
    final String interval;
    final List<String> sources;
    final String healthTimeout;

    Shop(ControlPlane plane, KubernetesClient client, TestNamespace ns, PrometheusServer prometheus, TestRepo repo,
        GitServers.Running http, String interval, List<String> sources, String healthTimeout) {
      this.plane = plane;
      this.client = client;
      this.ns = ns;
      this.prometheus = prometheus;
      this.repo = repo;
      this.http = http;
      this.interval = interval;
      this.sources = sources;
      this.healthTimeout = healthTimeout;
    }

    TestRepo repo() {
      return repo;
    }

    GitServers.Running http() {
      return http;
    }

    RunningAgent startAgent(String identity) {
      return closer.add(RunningAgent.start(new RunningAgent.Settings(identity, ns.name(), plane.kubeconfigFile(),
          http.url("config"), interval, temp).withReleases(prometheus.url(), sources, healthTimeout)));
    }

    /** Waits for the stable release to be recorded, then commits cart 2.0 and sends the webhook. */
    void releaseCandidate(RunningAgent agent) {
      awaitRelease("the stable template recorded", Duration.ofSeconds(60),
          s -> s.getPhase() == ReleasePhase.Idle && s.getStable() != null);
      repo.write("apps/cart.yaml", CartManifests.deployment("shop/cart:2.0")).commit("cart 2.0");
      agent.signedWebhook("apps");
    }

    ReleasePolicyStatus release() {
      ReleasePolicy policy = client.resources(ReleasePolicy.class).inNamespace(ns.name()).withName("cart").get();
      return policy == null || policy.getStatus() == null ? new ReleasePolicyStatus() : policy.getStatus();
    }

    ReleasePolicyStatus awaitRelease(String what, Duration timeout, Predicate<ReleasePolicyStatus> condition) {
      return Waiter.await(what, timeout, Duration.ofMillis(100), () -> {
        ReleasePolicyStatus status = release();
        return condition.test(status) ? status : null;
      }, () -> null);
    }

    Routes awaitRoutes(String what, Duration timeout, Predicate<Routes> condition) {
      return Waiter.await(what, timeout, Duration.ofMillis(50), () -> {
        ReleasePolicy policy = client.resources(ReleasePolicy.class).inNamespace(ns.name()).withName("cart").get();
        Routes routes = new IstioRouter(client).current(PolicyRef.of(policy)).orElse(null);
        return routes != null && condition.test(routes) ? routes : null;
      }, () -> null);
    }
  }
}
