package io.keelson.agent.service;

import static io.keelson.agent.service.AgentIT.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.agent.git.GitServers;
import io.keelson.agent.git.TestRepo;
import io.keelson.testkit.AgentProcess;
import io.keelson.testkit.AuditLog;
import io.keelson.testkit.Closer;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.LoopbackHttp;
import io.keelson.testkit.LoopbackPorts;
import io.keelson.testkit.TestNamespace;
import io.keelson.testkit.Waiter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources sharded across three agent processes, one Lease per source, against a real API server: each takes
 * its fair share, and when one is killed (SIGKILL: it releases nothing) its sources move to the others, with
 * never two replicas writing for one source, as the API server's audit log shows.
 */
@ControlPlaneTest(crds = "crds/releasepolicies.keelson.io.yaml")
class ShardedAgentsIT {

  private static final List<String> SOURCES = IntStream.rangeClosed(1, 12).mapToObj(i -> "src-%02d".formatted(i))
      .toList();
  private static final List<String> REPLICAS = List.of("shard-a", "shard-b", "shard-c");
  /** The lease duration {@link RunningAgent} configures, and the retry period. */
  private static final Duration LEASE_DURATION = Duration.ofSeconds(4);
  private static final Duration RETRY_PERIOD = Duration.ofMillis(500);

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;
  @RegisterExtension final Closer closer = new Closer();


  @Test
  void threeReplicasShareTwelveSourcesAndADeadOnesSourcesMoveWithNeverTwoWritersForASource(ControlPlane plane,
      KubernetesClient client, TestNamespace ns) throws Exception {
    GitServers servers = closer.add(new GitServers(temp.resolve("git")));
    TestRepo repo = closer.add(TestRepo.create(servers.base(), "config"));
    GitServers.Running http = servers.http(RunningAgent.GIT_USER, RunningAgent.GIT_PASSWORD);
    SOURCES.forEach(source -> repo.write(source + "/settings.yaml", settings(source, "blue")));
    repo.commit("twelve sources, blue");

    // The agents' files (and logs) stay in target/ for a look after a failure.
    Path agentsDir = Files.createDirectories(Path.of("target", "sharded-agents", ns.name())).toAbsolutePath();
    Map<String, AgentProcess> agents = new LinkedHashMap<>();
    for (String replica : REPLICAS) {
      RunningAgent.Settings settings = new RunningAgent.Settings(replica, ns.name(), plane.kubeconfigFile(),
          http.url("config"), "1h", agentsDir).sharded(SOURCES);
      int port = LoopbackPorts.free();
      int adminPort = LoopbackPorts.free();
      Path config = RunningAgent.configure(settings, port, adminPort);
      agents.put(replica, closer.add(AgentProcess.start(replica, config, agentsDir.resolve(replica), port, adminPort,
          List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))));
    }
    await("every source applied", Duration.ofSeconds(120),
        () -> SOURCES.stream().allMatch(source -> "blue".equals(colour(client, ns, source))));
    await("each replica to hold its fair share of 4", Duration.ofSeconds(60),
        () -> REPLICAS.stream().allMatch(replica -> heldBy(client, ns, replica).size() == 4));
    System.out.printf("sources held: %s%n", REPLICAS.stream()
        .collect(Collectors.toMap(r -> r, r -> heldBy(client, ns, r), (a, b) -> a, LinkedHashMap::new)));

    // A trigger for a source goes to its holder: another replica answers 503 naming it.
    String ofA = heldBy(client, ns, "shard-a").get(0);
    HttpResponse<String> refused = LoopbackHttp.send(RunningAgent.signedWebhook(
        agents.get("shard-b").url("/hooks/" + ofA)));
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).contains("\"leader\":\"shard-a\"");
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(LoopbackHttp.send(RunningAgent.signedWebhook(agents.get("shard-a").url("/hooks/" + ofA)))
        .statusCode()).isEqualTo(202);
    // Each replica shows every source: live for those it holds, as their holders stored them for the others.
    Waiter.await("every source in each replica's status", Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
      Map<String, List<String>> shown = REPLICAS.stream().collect(Collectors.toMap(r -> r,
          r -> statusSources(agents.get(r))));
      if (shown.values().stream().allMatch(SOURCES::equals)) {
        return true;
      }
      throw new IllegalStateException("applied sources shown: " + shown); // what the time-out reports
    }, () -> null);

    SOURCES.forEach(source -> repo.write(source + "/settings.yaml", settings(source, "green")));
    repo.commit("twelve sources, green");
    List<String> orphaned = heldBy(client, ns, "shard-c");
    Instant killed = Instant.now();
    agents.get("shard-c").kill();
    long killedAt = System.nanoTime();

    // Syncs run every hour here: only a take-over syncs at once, so green shows where the Lease moved.
    await("the dead replica's sources synced again by the others", Duration.ofSeconds(60),
        () -> orphaned.stream().allMatch(source -> "green".equals(colour(client, ns, source))));
    long resynced = (System.nanoTime() - killedAt) / 1_000_000;
    await("the survivors to hold 6 each", Duration.ofSeconds(30),
        () -> heldBy(client, ns, "shard-a").size() == 6 && heldBy(client, ns, "shard-b").size() == 6);
    AuditLog audit = plane.auditLog();
    List<AuditLog.Write> writes = audit.writes().stream()
        .filter(w -> w.namespace().equals(ns.name()) && !w.dryRun() && w.code() < 300)
        .toList();
    // A Lease changes hands only after its holder's last renewal has gone unseen for the lease duration.
    Duration shortestGap = null;
    for (String source : orphaned) {
      List<AuditLog.Write> lease = writes.stream()
          .filter(w -> w.resource().equals("leases") && w.name().endsWith("-source-" + source)).toList();
      Instant lastRenewal = lease.stream().filter(w -> w.by("(shard-c)")).map(AuditLog.Write::received)
          .max(Instant::compareTo).orElseThrow();
      Instant takenOver = lease.stream().filter(w -> !w.by("(shard-c)") && w.received().isAfter(killed))
          .map(AuditLog.Write::received).min(Instant::compareTo).orElseThrow();
      Duration gap = Duration.between(lastRenewal, takenOver);
      shortestGap = shortestGap == null || gap.compareTo(shortestGap) < 0 ? gap : shortestGap;
      assertThat(gap).as("%s taken over only once its Lease expired", source).isGreaterThanOrEqualTo(LEASE_DURATION);
    }
    System.out.printf("kill -> every orphaned source synced again: %d ms (lease duration %d ms); shortest gap "
        + "from the dead replica's last renewal to a take-over: %d ms%n", resynced, LEASE_DURATION.toMillis(),
        shortestGap.toMillis());

    // Never two writers for one source: every write for it comes from the replica that wrote its Lease last
    // (took it over or renewed it) before the write arrived.
    for (String source : SOURCES) {
      List<AuditLog.Write> lease = writes.stream()
          .filter(w -> w.resource().equals("leases") && w.name().endsWith("-source-" + source)).toList();
      List<AuditLog.Write> objects = writes.stream()
          .filter(w -> !w.resource().equals("leases") && !w.resource().equals("events") && w.name().contains(source))
          .toList();
      assertThat(objects).as("writes for %s", source).isNotEmpty();
      for (AuditLog.Write write : objects) {
        String holder = lease.stream().filter(l -> l.completed().isBefore(write.received()))
            .reduce((a, b) -> b).map(l -> replica(l.userAgent())).orElse("nobody");
        assertThat(replica(write.userAgent())).as("%s, while %s held the Lease", write, holder).isEqualTo(holder);
      }
    }
  }

  /** The sources a replica's status shows as applied, by name. */
  private static List<String> statusSources(AgentProcess agent) {
    try {
      JsonNode status = JSON.readTree(LoopbackHttp.send(HttpRequest.newBuilder(agent.url("/api/v1/status")).build())
          .body());
      List<String> names = new ArrayList<>();
      status.path("sources").forEach(source -> {
        if (!source.path("applied").path("sha").asText().isEmpty()) {
          names.add(source.path("name").asText());
        }
      });
      return names.stream().sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String replica(String userAgent) {
    return REPLICAS.stream().filter(replica -> userAgent.contains("(" + replica + ")")).findFirst()
        .orElse(userAgent);
  }

  private static List<String> heldBy(KubernetesClient client, TestNamespace ns, String replica) {
    return client.leases().inNamespace(ns.name()).withLabel("keelson.io/lease-role", "source").list().getItems()
        .stream().filter(lease -> replica.equals(lease.getSpec().getHolderIdentity()))
        .map(Lease::getMetadata).map(meta -> meta.getAnnotations().get("keelson.io/source")).sorted().toList();
  }

  private static String colour(KubernetesClient client, TestNamespace ns, String source) {
    return Optional.ofNullable(client.configMaps().inNamespace(ns.name()).withName(source + "-settings").get())
        .map(ConfigMap::getData).map(data -> data.get("colour")).orElse(null);
  }

  private static String settings(String source, String colour) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: %s-settings
        data:
          colour: %s
        """.formatted(source, colour);
  }
}
