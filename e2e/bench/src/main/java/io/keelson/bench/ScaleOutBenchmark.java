package io.keelson.bench;

import static io.keelson.bench.Measurement.figure;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.agent.leader.SourceLeases;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.GitDaemon;
import io.keelson.testkit.Waiter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Scale-out: at the largest size, over {@link SourceLayout#MANY_SOURCES} sources, the cold sync by one agent and
 * by three replicas sharing the sources by one Lease per source ({@code leaderElection.sharded}), each run with
 * its own repository and objects on the same control plane.
 */
final class ScaleOutBenchmark {

  static final List<Integer> REPLICAS = List.of(1, 3);
  private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(20);
  /** Long enough for replicas over their share to let Leases lapse (15 s) and others to take them. */
  private static final Duration SHARE_TIMEOUT = Duration.ofMinutes(2);

  private final BenchOptions options;
  private final Report report;
  private final ControlPlane plane;
  private final KubernetesClient client;
  private final GitDaemon git;
  private final Path workDir;

  ScaleOutBenchmark(BenchOptions options, Report report, ControlPlane plane, GitDaemon git, Path workDir) {
    this.options = options;
    this.report = report;
    this.plane = plane;
    this.client = plane.client();
    this.git = git;
    this.workDir = workDir;
  }

  void run() {
    report.define(Section.SCALE_OUT, "at the largest N, the objects spread over " + SourceLayout.MANY_SOURCES
        + " sources (whatever N) and synced cold by " + REPLICAS.stream().map(String::valueOf)
        .reduce((a, b) -> a + " and by " + b).orElseThrow() + " agent replica(s) with leaderElection.sharded"
        + " (one Lease per source, each replica holding at most ceil(sources ÷ replicas)), each count with its own"
        + " repository and namespaces. Once every source's Lease is held within the fair share and the seed commit"
        + " applied, N objects are committed; wall time from the first webhook (each sent to its source's holder,"
        + " as the Leases name it) to every source showing the commit applied in some replica's GET"
        + " /api/v1/status (a replica shows the sources it holds live and the others as their holders stored"
        + " them), polled every 50 ms. CPU is the replicas' user+system time summed; peak RSS (VmHWM) is each"
        + " replica's. The speed-up is the one-replica wall ÷ the three-replica wall: all replicas share this"
        + " machine's cores and one API server, so on a small machine the API server and the shared CPU bound it,"
        + " not the agent.");
    int size = options.largest();
    Map<Integer, Double> walls = new LinkedHashMap<>();
    for (int replicas : REPLICAS) {
      walls.put(replicas, coldSync(size, replicas));
    }
    report.add(figure(Section.SCALE_OUT, "scale-out." + size + ".speed-up",
        "cold sync of " + size + " over " + SourceLayout.MANY_SOURCES + " sources, 1 replica's wall ÷ 3 replicas'",
        walls.get(1) / walls.get(3), "×"));
  }

  private double coldSync(int size, int replicas) {
    System.out.printf("%n== scale-out: %,d objects, %d replica(s)%n", size, replicas);
    SourceLayout layout = new SourceLayout("scale-" + replicas + "x-" + size, SourceLayout.MANY_SOURCES);
    String prefix = "s" + replicas + "x" + size;
    BenchRepo repo = BenchRepo.create(workDir.resolve("git").resolve(layout.name()));
    String seed = repo.commit(layout.seed(prefix), "The benchmark's namespaces");
    String group = "keelson-" + layout.name();
    BenchAgent.Settings settings = new BenchAgent.Settings(group, layout, plane.kubeconfigFile(),
        git.url(layout.name()), SyncBenchmark.NO_POLLING, null);
    List<BenchAgent> agents = start(settings, group, replicas);
    try {
      Map<String, String> holders = awaitFairShare(group, layout, agents);
      awaitApplied(seed, layout, agents);
      String commit = repo.commit(layout.objects(prefix, size, "v0"), size + " objects");
      Duration cpuBefore = cpuTime(agents);
      long start = System.nanoTime();
      Map<String, BenchAgent> byName = new HashMap<>();
      agents.forEach(agent -> byName.put(agent.name(), agent));
      holders.forEach((source, holder) -> byName.get(holder).webhook(source));
      awaitApplied(commit, layout, agents);
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpu = cpuTime(agents).minus(cpuBefore).toNanos() / 1e9;
      Map<String, String> after = holders(group);
      if (!after.equals(holders)) {
        System.out.println("  Leases moved during the sync: " + holders + " -> " + after);
      }
      String key = "scale-out." + size + "." + replicas + "x";
      String what = "cold sync of " + size + " over " + layout.count() + " sources, " + replicas + " replica(s)";
      report.add(figure(Section.SCALE_OUT, key + ".seconds", what + ", wall", seconds, "s"));
      report.add(figure(Section.SCALE_OUT, key + ".cpu-seconds", what + ", agent CPU summed", cpu, "s"));
      for (int i = 0; i < agents.size(); i++) {
        BenchAgent agent = agents.get(i);
        long held = holders.values().stream().filter(agent.name()::equals).count();
        report.add(figure(Section.SCALE_OUT, key + ".replica-" + i + ".sources",
            what + ", sources held by replica " + i, held, ""));
        report.add(figure(Section.SCALE_OUT, key + ".replica-" + i + ".peak-rss",
            what + ", replica " + i + "'s peak RSS", agent.usage().peakResidentBytes() / SyncBenchmark.MIB, "MiB"));
      }
      return seconds;
    } finally {
      agents.forEach(BenchAgent::close);
    }
  }

  /** Starts the replicas at once, so that none is alone long enough to take every source first. */
  private List<BenchAgent> start(BenchAgent.Settings settings, String group, int replicas) {
    List<CompletableFuture<BenchAgent>> starting = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      BenchAgent.Settings replica = settings.sharded(group + "-" + i, group);
      starting.add(CompletableFuture.supplyAsync(() -> BenchAgent.start(replica, workDir.resolve("agents"))));
    }
    List<BenchAgent> agents = new ArrayList<>();
    RuntimeException failure = null;
    for (CompletableFuture<BenchAgent> future : starting) {
      try {
        agents.add(future.join());
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      agents.forEach(BenchAgent::close);
      throw failure;
    }
    return agents;
  }

  /** Waits until every source's Lease is held and no replica holds more than its fair share; returns the holders. */
  private Map<String, String> awaitFairShare(String group, SourceLayout layout, List<BenchAgent> agents) {
    int share = (layout.count() + agents.size() - 1) / agents.size();
    return Waiter.await("every source's Lease held, at most " + share + " by a replica", SHARE_TIMEOUT,
        Duration.ofMillis(200), () -> {
          Map<String, String> holders = holders(group);
          boolean allHeld = layout.names().stream().allMatch(source -> !holders.getOrDefault(source, "").isEmpty());
          boolean fair = agents.stream().allMatch(agent ->
              holders.values().stream().filter(agent.name()::equals).count() <= share);
          return allHeld && fair ? holders : null;
        }, () -> exited(agents));
  }

  /** Source → the replica holding its Lease (empty when none does), as the Leases say. */
  private Map<String, String> holders(String group) {
    Map<String, String> holders = new java.util.TreeMap<>();
    for (Lease lease : client.leases().inNamespace(BenchAgent.AGENT_NAMESPACE)
        .withLabel(SourceLeases.GROUP_LABEL, group).withLabel(SourceLeases.ROLE_LABEL, "source").list().getItems()) {
      holders.put(lease.getMetadata().getAnnotations().get(SourceLeases.SOURCE_ANNOTATION),
          Objects.requireNonNullElse(lease.getSpec().getHolderIdentity(), ""));
    }
    return holders;
  }

  /**
   * Waits until, across the replicas' statuses, every source shows {@code commit} applied: each replica shows
   * the sources it holds live and the others as their holders last stored them.
   */
  private static void awaitApplied(String commit, SourceLayout layout, List<BenchAgent> agents) {
    List<JsonNode> applied = Waiter.await("revision " + commit + " applied by " + layout.names(), SYNC_TIMEOUT,
        Duration.ofMillis(50), () -> {
          List<JsonNode> merged = new ArrayList<>(java.util.Collections.nCopies(layout.count(), null));
          for (BenchAgent agent : agents) {
            List<JsonNode> views = agent.sourceStatuses();
            for (int i = 0; i < views.size(); i++) {
              if (commit.equals(views.get(i).path("applied").path("sha").asText())) {
                merged.set(i, views.get(i));
              }
            }
          }
          return merged.contains(null) ? null : merged;
        }, () -> exited(agents));
    for (JsonNode view : applied) {
      if (!"APPLIED".equals(view.path("lastSync").path("outcome").asText())) {
        throw new IllegalStateException("the cold sync did not apply: " + view);
      }
    }
  }

  private static Duration cpuTime(List<BenchAgent> agents) {
    return agents.stream().map(BenchAgent::cpuTime).reduce(Duration.ZERO, Duration::plus);
  }

  private static String exited(List<BenchAgent> agents) {
    return agents.stream().map(BenchAgent::exited).filter(Objects::nonNull).findFirst().orElse(null);
  }
}
