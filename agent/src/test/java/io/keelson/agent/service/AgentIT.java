package io.keelson.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.keelson.agent.auth.WebhookSignatures;
import io.keelson.agent.git.GitServers;
import io.keelson.agent.git.TestRepo;
import io.keelson.agent.resources.WebhookResource;
import io.keelson.agent.sync.CartManifests;
import io.keelson.testkit.AuditLog;
import io.keelson.testkit.Closer;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import io.keelson.testkit.Waiter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole agent — Dropwizard application, Git over smart HTTP with auth, Quartz, webhooks, status,
 * leader election — against a real API server and a real Git server.
 */
@ControlPlaneTest(crds = "crds/releasepolicies.keelson.io.yaml")
class AgentIT {

  private static final String SYNCS_ABANDONED = "keelson_syncs_abandoned_total{source=\"apps\"}";
  private static final String APPLIED_SYNCS = "keelson_syncs_total{outcome=\"APPLIED\",source=\"apps\"}";
  private static final String LAST_SUCCESS = "keelson_last_successful_sync_timestamp_seconds{source=\"apps\"}";
  /** A Deployment that never becomes available: no controller runs on the plain API server. */
  private static final String NEVER_READY = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: slow
      spec:
        selector:
          matchLabels: {app: slow}
        template:
          metadata:
            labels: {app: slow}
          spec:
            containers: [{name: app, image: "shop/slow:1.0"}]
      """;

  @TempDir Path temp;
  @RegisterExtension final Closer closer = new Closer();


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
    GitServers servers = closer.add(new GitServers(temp.resolve("git")));
    TestRepo repo = closer.add(TestRepo.create(servers.base(), "config"));
    GitServers.Running http = servers.http(RunningAgent.GIT_USER, RunningAgent.GIT_PASSWORD);
    return new Fixture(servers, http, repo);
  }

  private RunningAgent agent(ControlPlane plane, TestNamespace ns, String identity, Fixture git, String interval) {
    return closer.add(RunningAgent.start(new RunningAgent.Settings(identity, ns.name(), plane.kubeconfigFile(),
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

    String red = git.repo().write("apps/settings.yaml", configMap("red")).commit("red");
    double syncsBefore = agent.metric(APPLIED_SYNCS);
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(agent.webhook("apps", body, "sha256=" + "0".repeat(64)).statusCode()).isEqualTo(401);
    assertThat(agent.webhook("apps", body, null).statusCode()).isEqualTo(401);
    assertThat(agent.metric("keelson_webhook_requests_total{result=\"unauthorized\",source=\"apps\"}")).isEqualTo(2);
    // A sync the refused webhooks triggered would run before (or as) the one asked for now: one sync, no more.
    assertThat(agent.manualSync("apps", RunningAgent.API_TOKEN).statusCode()).isEqualTo(202);
    await("the manual sync", Duration.ofSeconds(15),
        () -> red.equals(agent.source("apps").path("applied").path("sha").asText()));
    assertThat(agent.metric(APPLIED_SYNCS)).isEqualTo(syncsBefore + 1);

    // An unknown source is not found and leaves no trace in the metrics; an oversized body is refused.
    byte[] signedBody = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(agent.webhook("no-such-source", signedBody,
        WebhookSignatures.githubSignature(RunningAgent.WEBHOOK_SECRET, signedBody)).statusCode()).isEqualTo(404);
    assertThat(agent.get(agent.adminUrl("/metrics")).body()).doesNotContain("no-such-source");
    byte[] huge = new byte[WebhookResource.MAX_BODY + 1];
    assertThat(agent.webhook("apps", huge, WebhookSignatures.githubSignature(RunningAgent.WEBHOOK_SECRET, huge))
        .statusCode()).as("with Content-Length").isEqualTo(413);
    assertThat(agent.webhookStreamed("apps", huge, WebhookSignatures.githubSignature(RunningAgent.WEBHOOK_SECRET,
        huge)).statusCode()).as("chunked, length unknown").isEqualTo(413);
    assertThat(agent.metric("keelson_webhook_requests_total{result=\"too_large\",source=\"apps\"}")).isEqualTo(2);
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
    await("the first sync, in the status and the metrics", Duration.ofSeconds(30),
        () -> "blue".equals(colour(client, ns)) && agent.source("apps").path("lastSync").has("finishedAt")
            && agent.metric(LAST_SUCCESS) > 0);
    String versionBefore = client.configMaps().inNamespace(ns.name()).withName("settings").get()
        .getMetadata().getResourceVersion();
    double lastSuccess = agent.metric(LAST_SUCCESS);
    String lastSync = agent.source("apps").path("lastSync").path("finishedAt").asText();

    git.http().close();
    assertThat(agent.manualSync("apps", null).statusCode()).isEqualTo(401);
    assertThat(agent.manualSync("apps", RunningAgent.API_TOKEN).statusCode()).isEqualTo(202);

    // The revision fetched last is synced again (a release decision may change its render): no write, no success.
    await("a stale source's sync of the revision fetched last", Duration.ofSeconds(20),
        () -> agent.source("apps").path("stale").asBoolean()
            && !lastSync.equals(agent.source("apps").path("lastSync").path("finishedAt").asText()));
    JsonNode source = agent.source("apps");
    assertThat(source.path("state").asText()).isEqualTo("Stale");
    assertThat(source.path("staleReason").asText()).isNotBlank();
    assertThat(agent.metric(LAST_SUCCESS)).as("the last successful sync").isEqualTo(lastSuccess);
    assertThat(client.configMaps().inNamespace(ns.name()).withName("settings").get().getMetadata()
        .getResourceVersion()).isEqualTo(versionBefore);
  }

  @Test
  void aRefusedMassPruneIsNoSuccessTheSourceIsNotConvergedWithAWarningEventNamingTheSetting(ControlPlane plane,
      KubernetesClient client, TestNamespace ns) {
    Fixture git = gitRepo();
    for (int i = 0; i < 12; i++) {
      git.repo().write("apps/settings-" + i + ".yaml",
          configMap("blue").replace("name: settings", "name: settings-" + i));
    }
    String all = git.repo().commit("twelve settings");
    RunningAgent agent = closer.add(RunningAgent.start(new RunningAgent.Settings("agent-a", ns.name(),
        plane.kubeconfigFile(), git.http().url("config"), "1h", temp).withMassPruneGuard()));
    await("the first sync", Duration.ofSeconds(30),
        () -> all.equals(agent.source("apps").path("applied").path("sha").asText()));
    double lastSuccess = agent.metric(LAST_SUCCESS);
    assertThat(lastSuccess).isPositive();

    for (int i = 1; i < 12; i++) {
      git.repo().delete("apps/settings-" + i + ".yaml");
    }
    git.repo().commit("eleven settings removed");
    agent.signedWebhook("apps");

    await("the source NotConverged", Duration.ofSeconds(20),
        () -> "NotConverged".equals(agent.source("apps").path("state").asText()));
    assertThat(agent.source("apps").path("notConverged").asText()).contains("11 of 12", "prune.allowMassPrune");
    assertThat(client.events().v1().events().inNamespace(ns.name()).list().getItems())
        .as("a Warning Event the agent recorded")
        .anySatisfy(event -> {
          assertThat(event.getType()).isEqualTo("Warning");
          assertThat(event.getReason()).isEqualTo("PruneRefused");
          assertThat(event.getNote()).contains("11 of 12", "prune.allowMassPrune");
        });
    assertThat(agent.metric(LAST_SUCCESS)).as("the last successful sync").isEqualTo(lastSuccess);
    assertThat(client.configMaps().inNamespace(ns.name()).withLabel("keelson.io/source", "apps").list().getItems())
        .hasSize(12);
  }

  @Test
  void aGitServerThatAcceptsAndNeverAnswersMarksTheSourceStaleAndTheTokenInItsUrlShowsNowhere(ControlPlane plane,
      KubernetesClient client, TestNamespace ns) throws Exception {
    String token = "ghp_SENTINEL0123456789";
    GitServers servers = closer.add(new GitServers(temp.resolve("git")));
    String url = servers.silent().url("http", "config").replace("http://", "http://" + token + "@");
    RunningAgent agent = closer.add(RunningAgent.start(new RunningAgent.Settings("agent-a", ns.name(),
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
    String log = Files.readString(agent.logFile());
    for (String seen : List.of(agent.status().toString(), health.body(), metrics, events, log)) {
      assertThat(seen).doesNotContain(token);
    }
    assertThat(log).contains("Git is not usable");
  }

  /**
   * A drift correction the API server refuses with a message that quotes the Secret's value (an admission
   * policy saying which value it denies): the status, the Events and the log say why, with the value cut out.
   */
  @Test
  void aRefusedDriftCorrectionQuotingASecretShowsItsReasonRedactedInStatusEventsAndLog(ControlPlane plane,
      KubernetesClient client, TestNamespace ns) throws Exception {
    String value = "hunter2-SENTINEL-7c1d";
    Fixture git = gitRepo();
    git.repo().write("apps/creds.yaml", """
        apiVersion: v1
        kind: Secret
        metadata: {name: creds}
        stringData: {token: %s}
        """.formatted(value)).commit("credentials");
    RunningAgent agent = agent(plane, ns, "agent-a", git, "1h");
    await("the Secret applied", Duration.ofSeconds(30),
        () -> client.secrets().inNamespace(ns.name()).withName("creds").get() != null);
    closer.add(denySecretValue(client, ns, value));

    client.secrets().inNamespace(ns.name()).withName("creds").edit(secret -> {
      secret.getData().put("token", Base64.getEncoder().encodeToString("changed".getBytes(StandardCharsets.UTF_8)));
      return secret;
    });

    await("the refused correction in the status", Duration.ofSeconds(20),
        () -> "failed".equals(agent.source("apps").path("driftCorrections").path(0).path("action").asText()));
    String error = agent.source("apps").path("driftCorrections").path(0).path("error").asText();
    assertThat(error).contains("token [redacted] is denied");
    String log = Files.readString(agent.logFile());
    assertThat(log).contains("drift correction of Secret " + ns.name() + "/creds failed: ");
    List<String> notes = client.events().v1().events().inNamespace(ns.name()).list().getItems().stream()
        .filter(event -> "DriftCorrectionFailed".equals(event.getReason())).map(event -> event.getNote()).toList();
    assertThat(notes).anySatisfy(note -> assertThat(note).contains("token [redacted] is denied"));
    String encoded = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    for (String seen : List.of(agent.status().toString(), notes.toString(), log)) {
      assertThat(seen).doesNotContain(value).doesNotContain(encoded);
    }
  }

  /**
   * An admission policy refusing any Secret of the namespace whose token is {@code value}, quoting it; returns
   * once the API server enforces it. Closing removes it.
   */
  private static AutoCloseable denySecretValue(KubernetesClient client, TestNamespace ns, String value) {
    String name = "deny-token-" + ns.name();
    // The policy sees the value as it is stored (base64) or decoded, depending on the API server's schema.
    String forms = "['%s', '%s']".formatted(value,
        Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    String policy = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: %1$s}
        spec:
          failurePolicy: Fail
          matchConstraints:
            namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: %2$s}}
            resourceRules:
              - {apiGroups: [""], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: [secrets]}
          validations:
            - expression: "!has(object.data) || !('token' in object.data) || !(string(object.data.token) in %3$s)"
              messageExpression: "'token ' + string(object.data.token) + ' is denied'"
        """.formatted(name, ns.name(), forms);
    String binding = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata: {name: %1$s}
        spec: {policyName: %1$s, validationActions: [Deny]}
        """.formatted(name);
    client.resource(policy).create();
    client.resource(binding).create();
    Secret probe = new SecretBuilder().withNewMetadata().withName("probe").endMetadata()
        .addToStringData("token", value).build();
    Waiter.await("the admission policy to deny the token", Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
      try {
        client.secrets().inNamespace(ns.name()).resource(probe).dryRun().create();
        return null;
      } catch (KubernetesClientException denied) {
        if (String.valueOf(denied.getMessage()).contains("is denied")) {
          return Boolean.TRUE;
        }
        throw denied;
      }
    }, () -> null);
    return () -> {
      client.resource(binding).delete();
      client.resource(policy).delete();
    };
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
    closer.forget(first);
    long stopped = System.nanoTime();
    await("the follower to lead", Duration.ofSeconds(10), () -> second.status().path("leader").asBoolean());
    System.out.printf("leader takeover: %d ms%n", (System.nanoTime() - stopped) / 1_000_000);
    git.repo().write("apps/settings.yaml", configMap("green")).commit("green");
    await("the new leader to reconcile", Duration.ofSeconds(15), () -> "green".equals(colour(client, ns)));
  }

  @Test
  void aLeaderDeposedMidSyncWritesNothingAfterTheTakeOverAndSendsTriggersToTheNewLeader(ControlPlane plane,
      KubernetesClient client, TestNamespace ns) {
    Fixture git = gitRepo();
    git.repo().write("apps/settings.yaml", configMap("blue")).write("apps/slow.yaml", NEVER_READY).commit("a Deployment that never becomes ready (no controller runs it)");
    // Syncs wait for health up to 30 s: the leader is deposed in the middle of that wait.
    RunningAgent first = closer.add(RunningAgent.start(new RunningAgent.Settings("leader-a", ns.name(),
        plane.kubeconfigFile(), git.http().url("config"), "1h", temp, "30s")));
    await("the leader's sync to apply", Duration.ofSeconds(30), () -> "blue".equals(colour(client, ns))
        && client.apps().deployments().inNamespace(ns.name()).withName("slow").get() != null);
    RunningAgent second = closer.add(RunningAgent.start(new RunningAgent.Settings("leader-b", ns.name(),
        plane.kubeconfigFile(), git.http().url("config"), "1h", temp, "30s")));
    await("the second agent to follow", Duration.ofSeconds(30),
        () -> "leader-a".equals(second.status().path("leaderIdentity").asText()));
    assertThat(first.metric(SYNCS_ABANDONED)).isZero();

    // The take-over: the Lease rewritten to the second agent, as if the first had stopped renewing it.
    client.leases().inNamespace(ns.name()).withName("keelson-" + ns.name()).edit(lease -> {
      lease.getSpec().setHolderIdentity("leader-b");
      lease.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
      lease.getSpec().setLeaseTransitions(lease.getSpec().getLeaseTransitions() + 1);
      return lease;
    });
    AuditLog audit = plane.auditLog();
    Instant takenOver = audit.writes().stream()
        .filter(w -> w.resource().equals("leases") && w.namespace().equals(ns.name()) && !w.by("keelson-agent"))
        .reduce((a, b) -> b).orElseThrow().completed();
    await("the second agent to lead", Duration.ofSeconds(15), () -> second.status().path("leader").asBoolean());
    await("the first agent's sync to end", Duration.ofSeconds(60),
        () -> first.metric(SYNCS_ABANDONED) + first.metric(APPLIED_SYNCS) > 0);

    // Drift after the take-over is put back by the new leader only.
    client.configMaps().inNamespace(ns.name()).withName("settings")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"colour\":\"tampered\"}}");
    // The new leader's own first sync waits up to its 30 s health timeout for the Deployment that never becomes
    // ready; on a loaded machine its correction has come near the end of that wait, so allow the wait and more.
    await("the new leader to correct the drift", Duration.ofSeconds(60), () -> "blue".equals(colour(client, ns)));

    // Triggers sent to the former leader are not swallowed: 503, naming the leader.
    HttpResponse<String> hook = first.signedWebhook("apps");
    assertThat(hook.statusCode()).isEqualTo(503);
    assertThat(hook.body()).contains("\"leader\":\"leader-b\"");
    assertThat(hook.headers().firstValue("Retry-After")).isPresent();
    assertThat(first.manualSync("apps", RunningAgent.API_TOKEN).statusCode()).isEqualTo(503);
    assertThat(second.signedWebhook("apps").statusCode()).isEqualTo(202);

    List<AuditLog.Write> byFormer = audit.writes().stream().filter(w -> w.by("(leader-a)") && !w.dryRun()).toList();
    List<AuditLog.Write> after = byFormer.stream().filter(w -> w.received().isAfter(takenOver)).toList();
    System.out.printf("writes by the former leader: %d before the take-over, %d after%n",
        byFormer.size() - after.size(), after.size());
    assertThat(byFormer).as("the audit log sees the first agent's writes").isNotEmpty();
    assertThat(after).as("writes by the former leader after the take-over").isEmpty();
    assertThat(first.metric(SYNCS_ABANDONED)).isEqualTo(1);
  }

  @Test
  void stopAbandonsASyncInALongHealthWaitPromptlyAndWritesNothingAfterIt(ControlPlane plane, KubernetesClient client,
      TestNamespace ns) throws Exception {
    Fixture git = gitRepo();
    git.repo().write("apps/settings.yaml", configMap("blue")).write("apps/slow.yaml", NEVER_READY)
        .commit("a Deployment that never becomes ready (no controller runs it)");
    // The sync waits up to 10 min for the Deployment's health: stop must not wait for that. Without leader
    // election no lost Lease closes the write fence: only the stop itself can.
    RunningAgent agent = RunningAgent.start(new RunningAgent.Settings("stopper", ns.name(),
        plane.kubeconfigFile(), git.http().url("config"), "1h", temp, "10m").withoutLeaderElection());
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    closer.add(() -> stopped.get(60, TimeUnit.SECONDS)); // never leaves the agent running, even on failure
    await("the sync to apply and wait for health", Duration.ofSeconds(30), () -> "blue".equals(colour(client, ns))
        && client.apps().deployments().inNamespace(ns.name()).withName("slow").get() != null);
    AuditLog audit = plane.auditLog();

    Instant stopAsked = Instant.now();
    Thread stopping = new Thread(() -> {
      try {
        agent.close();
        stopped.complete(null);
      } catch (RuntimeException e) {
        stopped.completeExceptionally(e);
      }
    }, "agent-stop");
    stopping.setDaemon(true);
    stopping.start();
    stopped.get(30, TimeUnit.SECONDS); // fails with a TimeoutException while the stop waits for the health wait
    System.out.printf("stop returned %d ms after it was asked%n",
        Duration.between(stopAsked, Instant.now()).toMillis());

    List<AuditLog.Write> byAgent = audit.writes().stream()
        .filter(w -> w.by("(stopper)") && !w.dryRun() && !w.resource().equals("leases")).toList();
    List<AuditLog.Write> afterStop = byAgent.stream().filter(w -> w.received().isAfter(stopAsked)).toList();
    assertThat(byAgent).as("the audit log sees the agent's writes").isNotEmpty();
    assertThat(afterStop).as("writes by the agent after stop was asked").isEmpty();
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
          checks: [{name: errors, errorRate: {max: 0.05}}]
        """).write("apps/cart.yaml", CartManifests.deployment("shop/cart:1.0") + "---\n" + CartManifests.SERVICE)
        .commit("cart under a release policy");
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

  /** Waits until {@code condition} holds; an exception (the agent not answering yet) counts as "not yet". */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    Waiter.await(what, timeout, Duration.ofMillis(100), () -> condition.getAsBoolean() ? Boolean.TRUE : null,
        () -> null);
  }
}
