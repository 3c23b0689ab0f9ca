package io.keelson.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.agent.git.GitServers;
import io.keelson.agent.git.TestRepo;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole agent — Dropwizard application, Git over smart HTTP with auth, Quartz, webhooks, status,
 * leader election — against a real API server and a real Git server.
 */
@ControlPlaneTest(crds = "crds/releasepolicies.keelson.io.yaml")
class AgentIT {

  @TempDir Path temp;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T closeable) {
    closing.add(closeable);
    return closeable;
  }

  private static String configMap(String colour) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          colour: %s
        """.formatted(colour);
  }

  private record Fixture(GitServers servers, GitServers.Running http, TestRepo repo) {}

  private Fixture gitRepo() {
    GitServers servers = closing(new GitServers(temp.resolve("git")));
    TestRepo repo = closing(TestRepo.create(servers.base(), "config"));
    GitServers.Running http = servers.http(RunningAgent.GIT_USER, RunningAgent.GIT_PASSWORD);
    return new Fixture(servers, http, repo);
  }

  private RunningAgent agent(ControlPlane plane, TestNamespace ns, String identity, Fixture git, String interval) {
    return closing(RunningAgent.start(new RunningAgent.Settings(identity, ns.name(), plane.kubeconfigFile(),
        git.http().url("config"), interval, temp)));
  }

  @Test
  void aCommitReachesTheClusterThroughAWebhookAndABadSignatureTriggersNothing(ControlPlane plane,
      KubernetesClient client, TestNamespace ns) {
    Fixture git = gitRepo();
    git.repo().write("apps/settings.yaml", configMap("blue")).commit("blue");
    RunningAgent agent = agent(plane, ns, "agent-a", git, "1h");
    await("the first sync", Duration.ofSeconds(30), () -> "blue".equals(colour(client, ns)));

    String green = git.repo().write("apps/settings.yaml", configMap("green")).commit("green");
    long start = System.nanoTime();
    assertThat(agent.signedWebhook("apps").statusCode()).isEqualTo(202);
    await("the webhook's sync", Duration.ofSeconds(15), () -> "green".equals(colour(client, ns)));
    System.out.printf("webhook commit->applied: %d ms%n", (System.nanoTime() - start) / 1_000_000);
    await("the status", Duration.ofSeconds(5), () -> green.equals(agent.source("apps").path("applied").path("sha").asText()));

    git.repo().write("apps/settings.yaml", configMap("red")).commit("red");
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(agent.webhook("apps", body, "sha256=" + "0".repeat(64)).statusCode()).isEqualTo(401);
    assertThat(agent.webhook("apps", body, null).statusCode()).isEqualTo(401);
    pause(Duration.ofSeconds(3));
    assertThat(colour(client, ns)).isEqualTo("green");
    assertThat(agent.get(agent.adminUrl("/metrics")).body())
        .contains("keelson_webhook_requests_total{result=\"unauthorized\",source=\"apps\"} 2.0")
        .contains("keelson_syncs_total{outcome=\"APPLIED\",source=\"apps\"}");
    assertThat(client.events().v1().events().inNamespace(ns.name()).list().getItems())
        .as("a SyncSucceeded Event on the status ConfigMap")
        .anySatisfy(event -> {
          assertThat(event.getReason()).isEqualTo("SyncSucceeded");
          assertThat(event.getRegarding().getName()).isEqualTo("keelson-status");
          assertThat(event.getNote()).contains("source apps at");
        });
  }

  @Test
  void pollingPicksUpACommitAndAForcePushBackAppliesTheOlderRevision(ControlPlane plane, KubernetesClient client,
      TestNamespace ns) {
    Fixture git = gitRepo();
    String blue = git.repo().write("apps/settings.yaml", configMap("blue")).commit("blue");
    agent(plane, ns, "agent-a", git, "5s");
    await("the first sync", Duration.ofSeconds(30), () -> "blue".equals(colour(client, ns)));

    git.repo().write("apps/settings.yaml", configMap("green")).commit("green");
    await("polling to apply green", Duration.ofSeconds(15), () -> "green".equals(colour(client, ns)));

    git.repo().forcePush(blue);
    await("polling to apply the force-pushed revision", Duration.ofSeconds(15),
        () -> "blue".equals(colour(client, ns)));
  }

  @Test
  void anUnreachableGitServerLeavesTheClusterAloneAndMarksTheSourceStale(ControlPlane plane,
      KubernetesClient client, TestNamespace ns) {
    Fixture git = gitRepo();
    git.repo().write("apps/settings.yaml", configMap("blue")).commit("blue");
    RunningAgent agent = agent(plane, ns, "agent-a", git, "1h");
    await("the first sync", Duration.ofSeconds(30), () -> "blue".equals(colour(client, ns)));
    String versionBefore = client.configMaps().inNamespace(ns.name()).withName("settings").get()
        .getMetadata().getResourceVersion();

    git.http().close();
    assertThat(agent.manualSync("apps", null).statusCode()).isEqualTo(401);
    assertThat(agent.manualSync("apps", RunningAgent.API_TOKEN).statusCode()).isEqualTo(202);

    await("the source to be stale", Duration.ofSeconds(20), () -> agent.source("apps").path("stale").asBoolean());
    JsonNode source = agent.source("apps");
    assertThat(source.path("state").asText()).isEqualTo("Stale");
    assertThat(source.path("staleReason").asText()).isNotBlank();
    assertThat(client.configMaps().inNamespace(ns.name()).withName("settings").get().getMetadata()
        .getResourceVersion()).isEqualTo(versionBefore);
  }

  @Test
  void aGitServerThatAcceptsAndNeverAnswersMarksTheSourceStaleAndTheTokenInItsUrlShowsNowhere(ControlPlane plane,
      KubernetesClient client, TestNamespace ns) throws Exception {
    String token = "ghp_SENTINEL0123456789";
    GitServers servers = closing(new GitServers(temp.resolve("git")));
    String url = servers.silent().url("http", "config").replace("http://", "http://" + token + "@");
    RunningAgent agent = closing(RunningAgent.start(new RunningAgent.Settings("agent-a", ns.name(),
        plane.kubeconfigFile(), url, "1h", temp)));

    // The configured timeout is 5 s; the margin is for a loaded machine, not a bound on how long it took.
    await("the source to be stale", Duration.ofSeconds(35), () -> agent.source("apps").path("stale").asBoolean());
    JsonNode source = agent.source("apps");
    assertThat(source.path("state").asText()).isEqualTo("Stale");
    assertThat(source.path("staleReason").asText()).contains("timeout after 5s");
    assertThat(source.path("url").asText()).startsWith("http://***@127.0.0.1:");
    var health = agent.get(agent.adminUrl("/healthcheck"));
    assertThat(health.statusCode()).isEqualTo(500);
    assertThat(health.body()).contains("timeout after 5s");
    String metrics = agent.get(agent.adminUrl("/metrics")).body();
    assertThat(metrics).contains("keelson_source_stale{source=\"apps\"} 1.0")
        .contains("keelson_git_failures_total{reason=\"TIMEOUT\",source=\"apps\"}");

    String events = client.v1().events().inNamespace(ns.name()).list().getItems().toString();
    String log = java.nio.file.Files.readString(agent.logFile());
    for (String seen : List.of(agent.status().toString(), health.body(), metrics, events, log)) {
      assertThat(seen).doesNotContain(token);
    }
    assertThat(log).contains("Git is not usable");
  }

  @Test
  void theStatusNamesAFailingObjectsFileAndLine(ControlPlane plane, KubernetesClient client, TestNamespace ns) {
    Fixture git = gitRepo();
    git.repo().write("apps/settings.yaml", configMap("blue")).commit("blue");
    RunningAgent agent = agent(plane, ns, "agent-a", git, "1h");
    await("the first sync", Duration.ofSeconds(30), () -> "blue".equals(colour(client, ns)));

    git.repo().write("apps/broken.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          labels: {app: broken}
        """).commit("a ConfigMap without a name");
    agent.signedWebhook("apps");

    await("the failure in the status", Duration.ofSeconds(15),
        () -> "Failed".equals(agent.source("apps").path("state").asText()));
    JsonNode source = agent.source("apps");
    assertThat(source.path("errors").get(0).path("file").asText()).isEqualTo("apps/broken.yaml");
    assertThat(source.path("errors").get(0).path("line").asInt()).isEqualTo(1);
    assertThat(source.path("notConverged").asText()).contains("apps/broken.yaml:1").contains("metadata.name");
    assertThat(colour(client, ns)).isEqualTo("blue");
  }

  @Test
  void whenTheLeaderStopsTheFollowerTakesOverAndShowedTheLeadersState(ControlPlane plane, KubernetesClient client,
      TestNamespace ns) {
    Fixture git = gitRepo();
    String blue = git.repo().write("apps/settings.yaml", configMap("blue")).commit("blue");
    RunningAgent first = agent(plane, ns, "agent-a", git, "5s");
    await("the first sync", Duration.ofSeconds(30), () -> "blue".equals(colour(client, ns)));
    RunningAgent second = agent(plane, ns, "agent-b", git, "5s");

    JsonNode followerView = second.status();
    assertThat(followerView.path("leader").asBoolean()).isFalse();
    assertThat(followerView.path("leaderIdentity").asText()).isEqualTo("agent-a");
    assertThat(second.source("apps").path("applied").path("sha").asText()).isEqualTo(blue);

    first.close();
    closing.remove(first);
    long stopped = System.nanoTime();
    await("the follower to lead", Duration.ofSeconds(10), () -> second.status().path("leader").asBoolean());
    System.out.printf("leader takeover: %d ms%n", (System.nanoTime() - stopped) / 1_000_000);
    git.repo().write("apps/settings.yaml", configMap("green")).commit("green");
    await("the new leader to reconcile", Duration.ofSeconds(15), () -> "green".equals(colour(client, ns)));
  }

  @Test
  void releaseActionsNeedTheTokenAndArePersistedOnThePolicy(ControlPlane plane, KubernetesClient client,
      TestNamespace ns) {
    Fixture git = gitRepo();
    git.repo().write("apps/policy.yaml", """
        apiVersion: keelson.io/v1alpha1
        kind: ReleasePolicy
        metadata:
          name: cart
        spec:
          targetRef: {name: cart}
          service: {name: cart, port: 80}
          steps: {weights: [50], interval: 30s}
        """).write("apps/cart.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: cart
        spec:
          selector:
            matchLabels: {app: cart}
          template:
            metadata:
              labels: {app: cart}
            spec:
              containers: [{name: app, image: "shop/cart:1.0"}]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: cart
        spec:
          selector: {app: cart}
          ports: [{port: 80}]
        """).commit("cart under a release policy");
    RunningAgent agent = agent(plane, ns, "agent-a", git, "1h");
    await("the policy", Duration.ofSeconds(30), () -> client.genericKubernetesResources("keelson.io/v1alpha1",
        "ReleasePolicy").inNamespace(ns.name()).withName("cart").get() != null);

    assertThat(agent.releaseAction(ns.name(), "cart", "pause", null).statusCode()).isEqualTo(401);
    assertThat(agent.releaseAction(ns.name(), "cart", "dance", RunningAgent.API_TOKEN).statusCode()).isEqualTo(400);
    assertThat(agent.releaseAction(ns.name(), "nothing", "pause", RunningAgent.API_TOKEN).statusCode()).isEqualTo(404);
    assertThat(agent.releaseAction(ns.name(), "cart", "pause", RunningAgent.API_TOKEN).statusCode()).isEqualTo(202);

    String recorded = client.genericKubernetesResources("keelson.io/v1alpha1", "ReleasePolicy").inNamespace(ns.name())
        .withName("cart").get().getMetadata().getAnnotations().get("keelson.io/action");
    assertThat(recorded).contains("\"kind\":\"pause\"").contains("\"by\":\"alice\"");
  }

  private static String colour(KubernetesClient client, TestNamespace ns) {
    ConfigMap map = client.configMaps().inNamespace(ns.name()).withName("settings").get();
    return map == null ? null : map.getData().get("colour");
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException notYet) {
        // the agent may not answer yet
      }
      pause(Duration.ofMillis(100));
    }
    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
