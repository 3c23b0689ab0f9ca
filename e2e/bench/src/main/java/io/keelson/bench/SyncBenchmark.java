package io.keelson.bench;

import static io.keelson.bench.Measurement.figure;
import static io.keelson.bench.Measurement.judged;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.GitDaemon;
import io.keelson.testkit.ProcessUsage;
import io.keelson.testkit.Waiter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sections 1–4 and 6 on one real control plane: per size, a fresh agent JVM and a fresh Git repository;
 * cold sync against kubectl, no-op resyncs, and at the largest size commit latency and drift correction; then
 * the same for Flux when it is the peer.
 */
final class SyncBenchmark {

  static final Duration POLL_INTERVAL = Duration.ofSeconds(5);
  /** Webhook runs must never be overtaken by a poll. */
  static final Duration NO_POLLING = Duration.ofHours(1);
  private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(20);
  private static final Duration CHANGE_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration DRIFT_TIMEOUT = Duration.ofSeconds(30);
  static final int NO_OP_RUNS = 3;
  static final double MIB = 1024 * 1024;

  private final BenchOptions options;
  private final Report report;
  private final ControlPlane plane;
  private final KubernetesClient client;
  private final GitDaemon git;
  private final Path workDir;
  private final ApiServerRequests requests;
  private final LiveObjects live;
  private final Optional<FluxBenchmark> flux;

  SyncBenchmark(BenchOptions options, Report report, ControlPlane plane, GitDaemon git, Path workDir,
      Optional<FluxBenchmark> flux) {
    this.options = options;
    this.report = report;
    this.plane = plane;
    this.client = plane.client();
    this.git = git;
    this.workDir = workDir;
    this.requests = new ApiServerRequests(client);
    this.live = new LiveObjects(client);
    this.flux = flux;
  }

  void run() {
    define();
    flux.ifPresent(FluxBenchmark::define);
    for (int size : options.sizes()) {
      runSize(size);
      flux.ifPresent(peer -> peer.run(size));
    }
  }

  private void define() {
    report.define(Section.COLD_SYNC, "N objects (3 ConfigMaps : 1 headless Service : 1 Deployment, over "
        + Manifests.NAMESPACES + " namespaces created beforehand) committed to a repository served by git daemon;"
        + " wall time from the webhook (POST /hooks/{source}) to GET /api/v1/status showing the commit applied,"
        + " polled every 50 ms. Health is not waited for (healthTimeout: 0s): Deployments never become available"
        + " without a kubelet. kubectl: `kubectl apply --server-side --field-manager=" + Kubectl.FIELD_MANAGER
        + " -f <dir> -R` of the same N objects into other namespaces, from process start to exit. Requests are"
        + " the API server's apiserver_request_total before and after: writes = POST/PUT/PATCH/APPLY/DELETE"
        + " without dry_run and not to Leases, dry runs = the same verbs with dry_run, reads = GET/LIST/WATCH,"
        + " Lease renewals (leader election, every 2 s) apart; counted server-wide, by whoever sends them; per object"
        + " = all of them ÷ N. Agent CPU is the JVM's user+system time over the sync. The release controller is off"
        + " in these sections. Above " + SourceLayout.ONE_SOURCE_LIMIT + " objects they are spread over "
        + SourceLayout.MANY_SOURCES + " sources (paths of one repository, a webhook each) and kubectl applies each"
        + " source's directory in turn (the sum of its runs).");
    report.define(Section.NO_OP_RESYNC, "a manual sync (POST /api/v1/sources/{name}/sync, bearer token) with no new"
        + " commit; wall time until lastSync.finishedAt in the status changes (polled every 50 ms); agent CPU"
        + " is the JVM's user+system time delta; median of " + NO_OP_RUNS + " runs. Writes: managed objects whose"
        + " resourceVersion changed (listed before and after, outside the timed window), summed over the runs;"
        + " the server-wide write count is shown beside it with what was written, since it includes writes by"
        + " the API server itself (e.g. POST endpoints) that no client can be blamed for.");
    report.define(Section.ONE_OBJECT_CHANGE, "at the largest N, one ConfigMap value changed per commit;"
        + " from the commit to the API server holding the new value (polled every " + LiveObjects.WATCH_EVERY.toMillis()
        + " ms), through a signed webhook sent right after the commit, and through polling with a "
        + POLL_INTERVAL.toSeconds() + " s interval (the agent's minimum) and no webhook.");
    report.define(Section.DRIFT, "at the largest N, a JSON merge patch of one managed ConfigMap by field manager \""
        + LiveObjects.EDITOR + "\"; from the patch's answer to the API server holding Git's value again (polled every "
        + LiveObjects.WATCH_EVERY.toMillis() + " ms).");
    report.define(Section.MEMORY, "the agent JVM (" + String.join(" ", BenchAgent.JVM_OPTIONS) + ") right after"
        + " the cold sync: heap in use from its admin /metrics (jvm_memory_used_bytes{area=\"heap\"}), resident"
        + " set size (VmRSS) and its peak so far (VmHWM) from /proc.");
  }

  private void runSize(int size) {
    System.out.printf("%n== %,d objects%n", size);
    SourceLayout layout = SourceLayout.forSize("bench-" + size, size);
    String keelsonPrefix = "k" + size;
    BenchRepo repo = BenchRepo.create(workDir.resolve("git").resolve(layout.name()));
    String seed = repo.commit(layout.seed(keelsonPrefix), "The benchmark's namespaces");
    BenchAgent.Settings settings = new BenchAgent.Settings("keelson-" + layout.name(), layout,
        plane.kubeconfigFile(), git.url(layout.name()), NO_POLLING, null);
    try (BenchAgent agent = BenchAgent.start(settings, workDir.resolve("agents"))) {
      agent.awaitApplied(seed, SYNC_TIMEOUT);
      coldSync(size, layout, repo, agent, keelsonPrefix);
      noOpResync(size, agent, keelsonPrefix);
      if (size == options.largest()) {
        if (options.runs(Section.ONE_OBJECT_CHANGE)) {
          commitLatency("webhook", "webhook", layout, repo, keelsonPrefix, agent::webhook, agent::exited);
        }
        if (options.runs(Section.DRIFT)) {
          drift(keelsonPrefix, agent);
        }
      }
    }
    if (size == options.largest() && options.runs(Section.ONE_OBJECT_CHANGE)) {
      BenchAgent.Settings polling = new BenchAgent.Settings("keelson-" + layout.name() + "-polling", layout,
          plane.kubeconfigFile(), git.url(layout.name()), POLL_INTERVAL, null);
      java.time.Instant started = java.time.Instant.now();
      try (BenchAgent agent = BenchAgent.start(polling, workDir.resolve("agents"))) {
        agent.awaitSyncedSince(repo.head(), started, SYNC_TIMEOUT);
        commitLatency("polling", "polling (" + POLL_INTERVAL.toSeconds() + " s interval)", layout, repo,
            keelsonPrefix, () -> { }, agent::exited);
      }
    }
  }

  private void coldSync(int size, SourceLayout layout, BenchRepo repo, BenchAgent agent, String prefix) {
    String commit = repo.commit(layout.objects(prefix, size, "v0"), size + " objects");
    RequestCounts before = requests.now();
    Duration cpuBefore = agent.cpuTime();
    long start = System.nanoTime();
    agent.webhook();
    List<JsonNode> applied = agent.awaitApplied(commit, SYNC_TIMEOUT);
    double seconds = (System.nanoTime() - start) / 1e9;
    RequestCounts keelson = requests.now().since(before);
    long heap = agent.heapBytes();
    ProcessUsage usage = agent.usage();
    double cpu = usage.cpuTime().minus(cpuBefore).toNanos() / 1e9;
    for (JsonNode view : applied) {
      if (!"APPLIED".equals(view.path("lastSync").path("outcome").asText())) {
        throw new IllegalStateException("the cold sync did not apply: " + view);
      }
    }

    String kubectlPrefix = "c" + size;
    Path dir = workDir.resolve("kubectl-" + size);
    BenchRepo.write(dir.resolve("namespaces"), Manifests.namespaces(kubectlPrefix));
    new Kubectl(plane).applyServerSide(dir.resolve("namespaces"));
    BenchRepo.write(dir.resolve("objects"), layout.objects(kubectlPrefix, size, "v0"));
    RequestCounts kubectlBefore = requests.now();
    double kubectlSeconds = 0;
    for (int i = 0; i < layout.count(); i++) {
      kubectlSeconds += new Kubectl(plane).applyServerSide(dir.resolve("objects").resolve(layout.part(i)))
          .toNanos() / 1e9;
    }
    RequestCounts kubectl = requests.now().since(kubectlBefore);

    if (options.runs(Section.COLD_SYNC)) {
      String n = Integer.toString(size);
      double ratio = (size / seconds) / (size / kubectlSeconds);
      report.add(figure(Section.COLD_SYNC, "cold-sync." + n + ".keelson.seconds",
          "Keelson cold sync of " + n + sources(layout) + ", wall", seconds, "s"));
      report.add(figure(Section.COLD_SYNC, "cold-sync." + n + ".keelson.objects-per-second",
          "Keelson cold sync of " + n + ", throughput", size / seconds, "objects/s"));
      report.add(figure(Section.COLD_SYNC, "cold-sync." + n + ".keelson.cpu-seconds",
          "Keelson cold sync of " + n + ", agent CPU", cpu, "s"));
      addRequests(report, "cold-sync." + n + ".keelson", "Keelson cold sync of " + n, keelson, size);
      report.add(figure(Section.COLD_SYNC, "cold-sync." + n + ".kubectl.seconds",
          "kubectl apply --server-side of " + n + ", wall", kubectlSeconds, "s"));
      report.add(figure(Section.COLD_SYNC, "cold-sync." + n + ".kubectl.objects-per-second",
          "kubectl apply --server-side of " + n + ", throughput", size / kubectlSeconds, "objects/s"));
      addRequests(report, "cold-sync." + n + ".kubectl", "kubectl apply --server-side of " + n, kubectl, size);
      report.add(judged(Section.COLD_SYNC, "cold-sync." + n + ".ratio", "Keelson/kubectl throughput at " + n,
          ratio, "×", "≥ 2×", ratio >= 2));
      double wallRatio = seconds / kubectlSeconds;
      report.add(judged(Section.COLD_SYNC, "cold-sync." + n + ".kubectl-wall-ratio",
          "Keelson ÷ kubectl, cold sync wall at " + n, wallRatio, "×", "≤ 1.2×", wallRatio <= 1.2));
    }
    if (options.runs(Section.MEMORY)) {
      report.add(figure(Section.MEMORY, "memory." + size + ".heap", "agent heap at " + size + " objects",
          heap / MIB, "MiB"));
      report.add(judged(Section.MEMORY, "memory." + size + ".rss", "agent RSS at " + size + " objects",
          usage.residentBytes() / MIB, "MiB", "< 512 MiB", usage.residentBytes() < 512 * MIB));
      report.add(figure(Section.MEMORY, "memory." + size + ".peak-rss", "agent peak RSS through the cold sync of "
          + size, usage.peakResidentBytes() / MIB, "MiB"));
    }
  }

  static String sources(SourceLayout layout) {
    return layout.count() == 1 ? "" : " over " + layout.count() + " sources";
  }

  static void addRequests(Report report, String key, String what, RequestCounts counts, int size) {
    report.add(figure(Section.COLD_SYNC, key + ".requests", what + ", API requests", counts.total(), ""));
    report.add(figure(Section.COLD_SYNC, key + ".requests-per-object", what + ", API requests per object",
        (double) counts.total() / size, ""));
    report.add(figure(Section.COLD_SYNC, key + ".writes", what + ", API writes", counts.writes(), ""));
    report.add(figure(Section.COLD_SYNC, key + ".dry-runs", what + ", API dry runs", counts.dryRuns(), ""));
    report.add(figure(Section.COLD_SYNC, key + ".reads", what + ", API reads", counts.reads(), ""));
    report.add(figure(Section.COLD_SYNC, key + ".lease-writes", what + ", Lease renewals", counts.leaseWrites(), ""));
  }

  private void noOpResync(int size, BenchAgent agent, String prefix) {
    if (!options.runs(Section.NO_OP_RESYNC)) {
      return;
    }
    List<Double> walls = new ArrayList<>();
    List<Double> cpus = new ArrayList<>();
    List<Double> totals = new ArrayList<>();
    List<Double> reported = new ArrayList<>();
    long writes = 0;
    long objectWrites = 0;
    java.util.Set<String> writtenResources = new java.util.TreeSet<>();
    for (int run = 0; run < NO_OP_RUNS; run++) {
      Map<String, String> versionsBefore = live.versions(prefix);
      List<String> finishedBefore = finishedAt(agent.sourceStatuses());
      Duration cpuBefore = agent.cpuTime();
      RequestCounts before = requests.now();
      long start = System.nanoTime();
      agent.manualSync();
      List<JsonNode> after = Waiter.await("a no-op resync to finish", SYNC_TIMEOUT, Duration.ofMillis(50), () -> {
        List<JsonNode> views = agent.sourceStatuses();
        List<String> finished = finishedAt(views);
        boolean all = java.util.stream.IntStream.range(0, finished.size())
            .noneMatch(i -> finished.get(i).equals(finishedBefore.get(i)));
        return all ? views : null;
      }, agent::exited);
      walls.add((System.nanoTime() - start) / 1e9);
      cpus.add((agent.cpuTime().minus(cpuBefore)).toNanos() / 1e9);
      RequestCounts counts = requests.now().since(before);
      objectWrites += LiveObjects.changed(versionsBefore, live.versions(prefix));
      writes += counts.writes();
      if (counts.writes() > 0) {
        System.out.println("  no-op resync wrote: " + counts.writesByResource());
        writtenResources.addAll(counts.writesByResource().keySet());
      }
      totals.add((double) counts.total());
      reported.add(after.stream().mapToDouble(view -> view.path("lastSync").path("durationMillis").asDouble())
          .max().orElseThrow() / 1000);
    }
    String n = Integer.toString(size);
    double wall = Percentiles.of(walls, 50);
    report.add(judged(Section.NO_OP_RESYNC, "no-op-resync." + n + ".seconds", "no-op resync of " + n + ", wall",
        wall, "s", "< 1 s", wall < 1));
    report.add(figure(Section.NO_OP_RESYNC, "no-op-resync." + n + ".agent-seconds",
        "no-op resync of " + n + ", as the agent reports it (lastSync.durationMillis, its longest source's)",
        Percentiles.of(reported, 50), "s"));
    report.add(figure(Section.NO_OP_RESYNC, "no-op-resync." + n + ".cpu-seconds",
        "no-op resync of " + n + ", agent CPU", Percentiles.of(cpus, 50), "s"));
    report.add(judged(Section.NO_OP_RESYNC, "no-op-resync." + n + ".writes",
        "no-op resync of " + n + ", managed objects written (all " + NO_OP_RUNS + " runs)", objectWrites, "", "0",
        objectWrites == 0));
    report.add(figure(Section.NO_OP_RESYNC, "no-op-resync." + n + ".api-writes",
        "no-op resync of " + n + ", API writes server-wide (all " + NO_OP_RUNS + " runs; Lease renewals apart)"
            + (writtenResources.isEmpty() ? "" : ": " + String.join(", ", writtenResources)), writes, ""));
    report.add(figure(Section.NO_OP_RESYNC, "no-op-resync." + n + ".requests",
        "no-op resync of " + n + ", API requests", Percentiles.of(totals, 50), ""));
  }

  private static List<String> finishedAt(List<JsonNode> views) {
    return views.stream().map(view -> view.path("lastSync").path("finishedAt").asText()).toList();
  }

  /** Commits one changed value {@code --commits} times; each timed from the commit to the value live. */
  private void commitLatency(String key, String how, SourceLayout layout, BenchRepo repo, String prefix,
      Runnable notify, java.util.function.Supplier<String> failure) {
    String ns = Manifests.namespace(prefix, Manifests.CHANGED);
    String name = Manifests.configMapName(Manifests.CHANGED);
    List<Double> latencies = new ArrayList<>();
    for (int i = 1; i <= options.commits(); i++) {
      String value = key + "-" + i;
      long start = System.nanoTime();
      repo.commit(layout.configMapFile(prefix, Manifests.CHANGED, value), "Change " + name + " to " + value);
      notify.run();
      live.awaitValue(ns, name, value, CHANGE_TIMEOUT, failure);
      latencies.add((System.nanoTime() - start) / 1e9);
    }
    int size = options.largest();
    double p50 = Percentiles.of(latencies, 50);
    if (key.equals("webhook")) {
      report.add(judged(Section.ONE_OBJECT_CHANGE, "one-object-change.webhook.p50",
          "commit→applied at " + size + " via webhook, p50", p50, "s", "< 1 s", p50 < 1));
    } else {
      report.add(figure(Section.ONE_OBJECT_CHANGE, "one-object-change.polling.p50",
          "commit→applied at " + size + " via " + how + ", p50", p50, "s"));
    }
    report.add(figure(Section.ONE_OBJECT_CHANGE, "one-object-change." + key + ".p95",
        "commit→applied at " + size + " via " + how + ", p95", Percentiles.of(latencies, 95), "s"));
  }

  private void drift(String prefix, BenchAgent agent) {
    String ns = Manifests.namespace(prefix, Manifests.DRIFTED);
    String name = Manifests.configMapName(Manifests.DRIFTED);
    List<Double> latencies = new ArrayList<>();
    int uncorrected = 0;
    for (int i = 1; i <= options.edits(); i++) {
      String drifted = "edited-" + i;
      long start = System.nanoTime();
      live.edit(ns, name, drifted);
      try {
        live.awaitValue(ns, name, "v0", DRIFT_TIMEOUT, agent::exited);
        latencies.add((System.nanoTime() - start) / 1e9);
      } catch (IllegalStateException notCorrected) {
        // Counted at the timeout (a lower bound) and reported, so one miss does not end the benchmark.
        uncorrected++;
        latencies.add((double) DRIFT_TIMEOUT.toSeconds());
        System.out.println("  edit " + i + " of " + ns + "/" + name + " not corrected within "
            + DRIFT_TIMEOUT.toSeconds() + " s; the agent's log ends:\n" + agent.logTail());
        live.edit(ns, name, "v0");
      }
      // The informer's next event must not be this edit's echo.
      pause(Duration.ofMillis(200));
    }
    double p50 = Percentiles.of(latencies, 50);
    int size = options.largest();
    report.add(judged(Section.DRIFT, "drift.p50", "drift corrected at " + size + ", p50", p50, "s", "< 2 s", p50 < 2));
    report.add(judged(Section.DRIFT, "drift.uncorrected", "edits not corrected within " + DRIFT_TIMEOUT.toSeconds()
        + " s (counted at " + DRIFT_TIMEOUT.toSeconds() + " s above)", uncorrected, "", "0", uncorrected == 0));
    report.add(figure(Section.DRIFT, "drift.p95", "drift corrected at " + size + ", p95",
        Percentiles.of(latencies, 95), "s"));
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
