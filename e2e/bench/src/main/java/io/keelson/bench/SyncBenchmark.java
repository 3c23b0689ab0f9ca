package io.keelson.bench;

import static io.keelson.bench.Measurement.figure;
import static io.keelson.bench.Measurement.judged;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.GitDaemon;
import io.keelson.testkit.Waiter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Sections 1–4 and 6 on one real control plane: per size, a fresh agent JVM and a fresh Git repository;
 * cold sync against kubectl, no-op resyncs, and at the largest size commit latency and drift correction.
 */
final class SyncBenchmark {

  static final Duration POLL_INTERVAL = Duration.ofSeconds(5);
  /** Webhook runs must never be overtaken by a poll. */
  private static final Duration NO_POLLING = Duration.ofHours(1);
  private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(20);
  private static final Duration CHANGE_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration DRIFT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration WATCH_EVERY = Duration.ofMillis(20);
  private static final int NO_OP_RUNS = 3;
  private static final String EDITOR = "kubectl-edit";
  private static final double MIB = 1024 * 1024;

  private final BenchOptions options;
  private final Report report;
  private final ControlPlane plane;
  private final KubernetesClient client;
  private final GitDaemon git;
  private final Path workDir;
  private final ApiServerRequests requests;

  SyncBenchmark(BenchOptions options, Report report, ControlPlane plane, GitDaemon git, Path workDir) {
    this.options = options;
    this.report = report;
    this.plane = plane;
    this.client = plane.client();
    this.git = git;
    this.workDir = workDir;
    this.requests = new ApiServerRequests(client);
  }

  void run() {
    define();
    for (int size : options.sizes()) {
      runSize(size);
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
        + " Lease renewals (leader election, every 2 s) apart; counted server-wide, by whoever sends them. The release controller is off in these sections.");
    report.define(Section.NO_OP_RESYNC, "a manual sync (POST /api/v1/sources/{name}/sync, bearer token) with no new"
        + " commit; wall time until lastSync.finishedAt in the status changes (polled every 50 ms); agent CPU"
        + " is the JVM's user+system time delta; median of " + NO_OP_RUNS + " runs. Writes: managed objects whose"
        + " resourceVersion changed (listed before and after, outside the timed window), summed over the runs;"
        + " the server-wide write count is shown beside it with what was written, since it includes writes by"
        + " the API server itself (e.g. POST endpoints) that no client can be blamed for.");
    report.define(Section.ONE_OBJECT_CHANGE, "at the largest N, one ConfigMap value changed per commit;"
        + " from the commit to the API server holding the new value (polled every " + WATCH_EVERY.toMillis()
        + " ms), through a signed webhook sent right after the commit, and through polling with a "
        + POLL_INTERVAL.toSeconds() + " s interval (the agent's minimum) and no webhook.");
    report.define(Section.DRIFT, "at the largest N, a JSON merge patch of one managed ConfigMap by field manager \""
        + EDITOR + "\"; from the patch's answer to the API server holding Git's value again (polled every "
        + WATCH_EVERY.toMillis() + " ms).");
    report.define(Section.MEMORY, "the agent JVM (" + String.join(" ", BenchAgent.JVM_OPTIONS) + ") right after"
        + " the cold sync: heap in use from its admin /metrics (jvm_memory_used_bytes{area=\"heap\"}) and"
        + " resident set size from /proc.");
  }

  private void runSize(int size) {
    System.out.printf("%n== %,d objects%n", size);
    String source = "bench-" + size;
    String keelsonPrefix = "k" + size;
    BenchRepo repo = BenchRepo.create(workDir.resolve("git").resolve(source));
    String seed = repo.commit(Manifests.namespaces(keelsonPrefix), "The benchmark's namespaces");
    BenchAgent.Settings settings = new BenchAgent.Settings("keelson-" + source, source, plane.kubeconfigFile(),
        git.url(source), NO_POLLING, null);
    try (BenchAgent agent = BenchAgent.start(settings, workDir.resolve("agents"))) {
      agent.awaitApplied(seed, SYNC_TIMEOUT);
      coldSync(size, repo, agent, keelsonPrefix);
      noOpResync(size, agent, keelsonPrefix);
      if (size == options.largest()) {
        if (options.runs(Section.ONE_OBJECT_CHANGE)) {
          commitLatency("webhook", "webhook", repo, keelsonPrefix, agent::webhook);
        }
        if (options.runs(Section.DRIFT)) {
          drift(keelsonPrefix, agent);
        }
      }
    }
    if (size == options.largest() && options.runs(Section.ONE_OBJECT_CHANGE)) {
      BenchAgent.Settings polling = new BenchAgent.Settings("keelson-" + source + "-polling", source,
          plane.kubeconfigFile(), git.url(source), POLL_INTERVAL, null);
      java.time.Instant started = java.time.Instant.now();
      try (BenchAgent agent = BenchAgent.start(polling, workDir.resolve("agents"))) {
        agent.awaitSyncedSince(repo.head(), started, SYNC_TIMEOUT);
        commitLatency("polling", "polling (" + POLL_INTERVAL.toSeconds() + " s interval)", repo, keelsonPrefix, () -> { });
      }
    }
  }

  private void coldSync(int size, BenchRepo repo, BenchAgent agent, String prefix) {
    String commit = repo.commit(Manifests.objects(prefix, size, "v0"), size + " objects");
    RequestCounts before = requests.now();
    long start = System.nanoTime();
    agent.webhook();
    JsonNode applied = agent.awaitApplied(commit, SYNC_TIMEOUT);
    double seconds = (System.nanoTime() - start) / 1e9;
    RequestCounts keelson = requests.now().since(before);
    long heap = agent.heapBytes();
    long rss = agent.residentBytes();
    if (!"APPLIED".equals(applied.path("lastSync").path("outcome").asText())) {
      throw new IllegalStateException("the cold sync did not apply: " + applied);
    }

    String kubectlPrefix = "c" + size;
    Path dir = workDir.resolve("kubectl-" + size);
    BenchRepo.write(dir.resolve("namespaces"), Manifests.namespaces(kubectlPrefix));
    new Kubectl(plane).applyServerSide(dir.resolve("namespaces"));
    BenchRepo.write(dir.resolve("objects"), Manifests.objects(kubectlPrefix, size, "v0"));
    RequestCounts kubectlBefore = requests.now();
    double kubectlSeconds = new Kubectl(plane).applyServerSide(dir.resolve("objects")).toNanos() / 1e9;
    RequestCounts kubectl = requests.now().since(kubectlBefore);

    if (options.runs(Section.COLD_SYNC)) {
      String n = Integer.toString(size);
      double ratio = (size / seconds) / (size / kubectlSeconds);
      report.add(figure(Section.COLD_SYNC, "cold-sync." + n + ".keelson.seconds",
          "Keelson cold sync of " + n + ", wall", seconds, "s"));
      report.add(figure(Section.COLD_SYNC, "cold-sync." + n + ".keelson.objects-per-second",
          "Keelson cold sync of " + n + ", throughput", size / seconds, "objects/s"));
      addRequests("cold-sync." + n + ".keelson", "Keelson cold sync of " + n, keelson);
      report.add(figure(Section.COLD_SYNC, "cold-sync." + n + ".kubectl.seconds",
          "kubectl apply --server-side of " + n + ", wall", kubectlSeconds, "s"));
      report.add(figure(Section.COLD_SYNC, "cold-sync." + n + ".kubectl.objects-per-second",
          "kubectl apply --server-side of " + n + ", throughput", size / kubectlSeconds, "objects/s"));
      addRequests("cold-sync." + n + ".kubectl", "kubectl apply --server-side of " + n, kubectl);
      report.add(judged(Section.COLD_SYNC, "cold-sync." + n + ".ratio", "Keelson/kubectl throughput at " + n,
          ratio, "×", "≥ 2×", ratio >= 2));
    }
    if (options.runs(Section.MEMORY)) {
      report.add(figure(Section.MEMORY, "memory." + size + ".heap", "agent heap at " + size + " objects",
          heap / MIB, "MiB"));
      report.add(judged(Section.MEMORY, "memory." + size + ".rss", "agent RSS at " + size + " objects",
          rss / MIB, "MiB", "< 512 MiB", rss < 512 * MIB));
    }
  }

  private void addRequests(String key, String what, RequestCounts counts) {
    report.add(figure(Section.COLD_SYNC, key + ".requests", what + ", API requests", counts.total(), ""));
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
      Map<String, String> versionsBefore = managedVersions(prefix);
      String finishedBefore = agent.sourceStatus().path("lastSync").path("finishedAt").asText();
      Duration cpuBefore = agent.cpuTime();
      RequestCounts before = requests.now();
      long start = System.nanoTime();
      agent.manualSync();
      JsonNode after = Waiter.await("a no-op resync to finish", SYNC_TIMEOUT, Duration.ofMillis(50), () -> {
        JsonNode view = agent.sourceStatus();
        return finishedBefore.equals(view.path("lastSync").path("finishedAt").asText()) ? null : view;
      }, agent::exited);
      walls.add((System.nanoTime() - start) / 1e9);
      cpus.add((agent.cpuTime().minus(cpuBefore)).toNanos() / 1e9);
      RequestCounts counts = requests.now().since(before);
      objectWrites += changedVersions(versionsBefore, managedVersions(prefix));
      writes += counts.writes();
      if (counts.writes() > 0) {
        System.out.println("  no-op resync wrote: " + counts.writesByResource());
        writtenResources.addAll(counts.writesByResource().keySet());
      }
      totals.add((double) counts.total());
      reported.add(after.path("lastSync").path("durationMillis").asDouble() / 1000);
    }
    String n = Integer.toString(size);
    double wall = Percentiles.of(walls, 50);
    report.add(judged(Section.NO_OP_RESYNC, "no-op-resync." + n + ".seconds", "no-op resync of " + n + ", wall",
        wall, "s", "< 1 s", wall < 1));
    report.add(figure(Section.NO_OP_RESYNC, "no-op-resync." + n + ".agent-seconds",
        "no-op resync of " + n + ", as the agent reports it (lastSync.durationMillis)",
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

  /** Commits one changed value {@code --commits} times; each timed from the commit to the value live. */
  private void commitLatency(String key, String how, BenchRepo repo, String prefix, Runnable notify) {
    String ns = Manifests.namespace(prefix, Manifests.CHANGED);
    String name = Manifests.configMapName(Manifests.CHANGED);
    List<Double> latencies = new ArrayList<>();
    for (int i = 1; i <= options.commits(); i++) {
      String value = key + "-" + i;
      long start = System.nanoTime();
      repo.commit(Manifests.configMapFile(prefix, Manifests.CHANGED, value), "Change " + name + " to " + value);
      notify.run();
      awaitValue(ns, name, value, CHANGE_TIMEOUT);
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
      ConfigMap edited = client.configMaps().inNamespace(ns).withName(name)
          .patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).withFieldManager(EDITOR).build(),
              "{\"data\":{\"value\":\"" + drifted + "\"}}");
      if (!drifted.equals(edited.getData().get("value"))) {
        throw new IllegalStateException("the external edit did not take: " + edited.getData());
      }
      try {
        awaitValue(ns, name, "v0", DRIFT_TIMEOUT);
        latencies.add((System.nanoTime() - start) / 1e9);
      } catch (IllegalStateException notCorrected) {
        // Counted at the timeout (a lower bound) and reported, so one miss does not end the benchmark.
        uncorrected++;
        latencies.add((double) DRIFT_TIMEOUT.toSeconds());
        System.out.println("  edit " + i + " of " + ns + "/" + name + " not corrected within "
            + DRIFT_TIMEOUT.toSeconds() + " s; the agent's log ends:\n" + agent.logTail());
        client.configMaps().inNamespace(ns).withName(name).patch(
            new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).withFieldManager(EDITOR).build(),
            "{\"data\":{\"value\":\"v0\"}}");
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

  /** resourceVersion of every managed object (namespace/kind/name → version): a write changes it. */
  private Map<String, String> managedVersions(String prefix) {
    Map<String, String> versions = new HashMap<>();
    for (int i = 0; i < Manifests.NAMESPACES; i++) {
      String ns = Manifests.namespace(prefix, i);
      List<HasMetadata> objects = new ArrayList<>();
      objects.addAll(client.configMaps().inNamespace(ns).withLabel(Manifests.LABEL).list().getItems());
      objects.addAll(client.services().inNamespace(ns).withLabel(Manifests.LABEL).list().getItems());
      objects.addAll(client.apps().deployments().inNamespace(ns).withLabel(Manifests.LABEL).list().getItems());
      for (HasMetadata object : objects) {
        versions.put(ns + "/" + object.getClass().getSimpleName() + "/" + object.getMetadata().getName(),
            object.getMetadata().getResourceVersion());
      }
    }
    return versions;
  }

  private static long changedVersions(Map<String, String> before, Map<String, String> after) {
    return after.entrySet().stream().filter(e -> !e.getValue().equals(before.get(e.getKey()))).count();
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void awaitValue(String ns, String name, String value, Duration timeout) {
    Supplier<Boolean> live = () -> {
      ConfigMap map = client.configMaps().inNamespace(ns).withName(name).get();
      return map != null && map.getData() != null && value.equals(map.getData().get("value")) ? Boolean.TRUE : null;
    };
    Waiter.await(ns + "/" + name + " value " + value, timeout, WATCH_EVERY, live, () -> null);
  }
}
