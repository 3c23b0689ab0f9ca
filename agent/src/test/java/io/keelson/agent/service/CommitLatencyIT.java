package io.keelson.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.agent.git.GitServers;
import io.keelson.agent.git.TestRepo;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commit→applied latency of a whole agent over 20 commits each, through a webhook and through polling
 * (5 s interval): from the push to the moment the API server holds the new value. Prints p50/p95; asserts
 * only that every commit arrived (speed targets live in the benchmarks).
 */
@ControlPlaneTest
class CommitLatencyIT {

  private static final int COMMITS = 20;

  @TempDir Path temp;

  @Test
  void everyCommitArrivesThroughWebhookAndThroughPolling(ControlPlane plane, KubernetesClient client,
      TestNamespace ns) throws Exception {
    try (GitServers servers = new GitServers(temp.resolve("git"));
        TestRepo repo = TestRepo.create(servers.base(), "config")) {
      GitServers.Running http = servers.http(RunningAgent.GIT_USER, RunningAgent.GIT_PASSWORD);
      repo.write("apps/settings.yaml", configMap(0)).commit("0");
      List<Long> webhook = new ArrayList<>();
      try (RunningAgent agent = RunningAgent.start(new RunningAgent.Settings("hook", ns.name(),
          plane.kubeconfigFile(), http.url("config"), "1h", temp))) {
        awaitValue(client, ns, 0);
        for (int i = 1; i <= COMMITS; i++) {
          repo.write("apps/settings.yaml", configMap(i)).commit(Integer.toString(i));
          long pushed = System.nanoTime();
          assertThat(agent.signedWebhook("apps").statusCode()).isEqualTo(202);
          awaitValue(client, ns, i);
          webhook.add((System.nanoTime() - pushed) / 1_000_000);
        }
      }
      List<Long> polling = new ArrayList<>();
      try (RunningAgent agent = RunningAgent.start(new RunningAgent.Settings("poll", ns.name(),
          plane.kubeconfigFile(), http.url("config"), "5s", temp))) {
        awaitValue(client, ns, COMMITS);
        for (int i = COMMITS + 1; i <= 2 * COMMITS; i++) {
          repo.write("apps/settings.yaml", configMap(i)).commit(Integer.toString(i));
          long pushed = System.nanoTime();
          awaitValue(client, ns, i);
          polling.add((System.nanoTime() - pushed) / 1_000_000);
        }
        assertThat(agent.source("apps").path("state").asText()).isEqualTo("Ready");
      }
      System.out.printf("commit->applied over %d commits: webhook p50 %d ms, p95 %d ms; polling (5 s interval)"
          + " p50 %d ms, p95 %d ms%n", COMMITS, percentile(webhook, 50), percentile(webhook, 95),
          percentile(polling, 50), percentile(polling, 95));
      assertThat(webhook).hasSize(COMMITS);
      assertThat(polling).hasSize(COMMITS);
    }
  }

  private static String configMap(int value) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          value: "%d"
        """.formatted(value);
  }

  private static void awaitValue(KubernetesClient client, TestNamespace ns, int value) {
    AgentIT.await("value " + value, Duration.ofSeconds(30), () -> {
      ConfigMap map = client.configMaps().inNamespace(ns.name()).withName("settings").get();
      return map != null && Integer.toString(value).equals(map.getData().get("value"));
    });
  }

  private static long percentile(List<Long> values, int percent) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
  }
}
