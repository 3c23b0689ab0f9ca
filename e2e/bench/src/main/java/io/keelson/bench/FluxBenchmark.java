package io.keelson.bench;

import static io.keelson.bench.Measurement.figure;
import static io.keelson.bench.Measurement.judged;

import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.GitHttpServer;
import io.keelson.testkit.ProcessUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sync sections for Flux, the peer, on the same control plane right after Keelson's run of each size:
 * cold sync, no-op reconciles, and at the largest size one-object changes and drift, then Keelson ÷ Flux for
 * each. Its objects live in their own namespaces and repository, served over Git's smart HTTP.
 */
final class FluxBenchmark {

  /** Flux's syncs take tens of seconds at the larger sizes: changes and drift edits are timed this often. */
  static final int RUNS = 3;
  /** The interval drift is measured with (Flux puts drift back only when it re-applies, at its interval). */
  static final Duration DRIFT_INTERVAL = Duration.ofMinutes(1);
  private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(30);
  private static final Duration CHANGE_TIMEOUT = Duration.ofMinutes(10);
  private static final double MIB = SyncBenchmark.MIB;

  private final BenchOptions options;
  private final Report report;
  private final ControlPlane plane;
  private final GitHttpServer git;
  private final Path workDir;
  private final Path binaries;
  private final ApiServerRequests requests;
  private final LiveObjects live;

  FluxBenchmark(BenchOptions options, Report report, ControlPlane plane, GitHttpServer git, Path workDir,
      Path binaries) {
    this.options = options;
    this.report = report;
    this.plane = plane;
    this.git = git;
    this.workDir = workDir;
    this.binaries = binaries;
    this.requests = new ApiServerRequests(plane.client());
    this.live = new LiveObjects(plane.client());
  }

  void define() {
    report.define(Section.COLD_SYNC, "Flux: source-controller and kustomize-controller (" + binaries.getFileName()
        + ") as local processes with default flags (kubeconfig, 127.0.0.1 addresses and a storage directory apart),"
        + " fresh for each N, one GitRepository over Git's smart HTTP (git http-backend) and one Kustomization"
        + " (prune: true, wait: false) per source; the same objects in their own namespaces. Wall time from the"
        + " reconcile request on the GitRepository (annotation " + FluxPeer.REQUESTED_AT + ", what Flux's webhook"
        + " Receiver sets on a push) to every Kustomization's lastAppliedRevision naming the commit; CPU is both"
        + " controllers' user+system time over it. Keelson ÷ Flux below 1 means Keelson is ahead.");
    report.define(Section.NO_OP_RESYNC, "Flux: a reconcile request on every Kustomization with no new commit;"
        + " wall time until each status.lastHandledReconcileAt names it; median of " + SyncBenchmark.NO_OP_RUNS
        + " runs. Flux re-builds, reads and server-side dry-runs every object on each reconcile (its interval or a"
        + " request), where Keelson's no-op resync trusts its watches and re-verifies at fullCheckInterval.");
    report.define(Section.ONE_OBJECT_CHANGE, "Flux: the same change committed, then a reconcile request on the"
        + " GitRepository (as a Receiver makes on a push); to the API server holding the value; median of " + RUNS
        + ".");
    report.define(Section.DRIFT, "Flux: the same edit with the Kustomization's interval set to "
        + DRIFT_INTERVAL.toSeconds() + " s: Flux puts drift back only when it re-applies, at its interval, so the"
        + " figure is the interval's phase plus one reconcile; median of " + RUNS + ".");
    report.define(Section.MEMORY, "Flux: both controllers' resident set size right after the cold sync and its"
        + " peak through it (VmHWM), summed (each shown).");
  }

  void run(int size) {
    System.out.printf("%n== Flux, %,d objects%n", size);
    SourceLayout layout = SourceLayout.forSize("flux-" + size, size);
    String prefix = "f" + size;
    BenchRepo repo = BenchRepo.create(workDir.resolve("git").resolve(layout.name()));
    String seed = repo.commit(layout.seed(prefix), "The benchmark's namespaces");
    FluxPeer.install(plane, binaries);
    try (FluxPeer flux = FluxPeer.start(plane, binaries, layout, workDir.resolve("flux-" + size))) {
      flux.create(git.url(layout.name()));
      flux.awaitApplied(seed, SYNC_TIMEOUT);
      coldSync(size, layout, repo, flux, prefix);
      noOpResync(size, flux, prefix);
      if (size == options.largest()) {
        if (options.runs(Section.ONE_OBJECT_CHANGE)) {
          oneObjectChange(size, layout, repo, flux, prefix);
        }
        if (options.runs(Section.DRIFT)) {
          drift(size, flux, prefix);
        }
      }
    }
  }

  private void coldSync(int size, SourceLayout layout, BenchRepo repo, FluxPeer flux, String prefix) {
    String commit = repo.commit(layout.objects(prefix, size, "v0"), size + " objects");
    RequestCounts before = requests.now();
    Duration cpuBefore = flux.usage().cpuTime();
    long start = System.nanoTime();
    flux.requestFetch();
    flux.awaitApplied(commit, SYNC_TIMEOUT);
    double seconds = (System.nanoTime() - start) / 1e9;
    RequestCounts counts = requests.now().since(before);
    List<ProcessUsage> each = flux.each();
    ProcessUsage usage = flux.usage();
    String n = Integer.toString(size);
    if (options.runs(Section.COLD_SYNC)) {
      report.add(figure(Section.COLD_SYNC, "cold-sync." + n + ".flux.seconds",
          "Flux cold sync of " + n + SyncBenchmark.sources(layout) + ", wall", seconds, "s"));
      report.add(figure(Section.COLD_SYNC, "cold-sync." + n + ".flux.cpu-seconds",
          "Flux cold sync of " + n + ", CPU of both controllers", usage.cpuTime().minus(cpuBefore).toNanos() / 1e9,
          "s"));
      SyncBenchmark.addRequests(report, "cold-sync." + n + ".flux", "Flux cold sync of " + n, counts, size);
      compare(Section.COLD_SYNC, "cold-sync." + n + ".flux-ratio", "cold sync wall at " + n,
          "cold-sync." + n + ".keelson.seconds", "cold-sync." + n + ".flux.seconds");
      compare(Section.COLD_SYNC, "cold-sync." + n + ".flux-cpu-ratio", "cold sync CPU at " + n,
          "cold-sync." + n + ".keelson.cpu-seconds", "cold-sync." + n + ".flux.cpu-seconds");
    }
    if (options.runs(Section.MEMORY)) {
      report.add(figure(Section.MEMORY, "memory." + n + ".flux.rss", "Flux RSS at " + n + " objects (source "
          + mib(each.get(0).residentBytes()) + " + kustomize " + mib(each.get(1).residentBytes()) + ")",
          usage.residentBytes() / MIB, "MiB"));
      report.add(figure(Section.MEMORY, "memory." + n + ".flux.peak-rss", "Flux peak RSS through the cold sync of "
          + n + " (source " + mib(each.get(0).peakResidentBytes()) + " + kustomize "
          + mib(each.get(1).peakResidentBytes()) + ")", usage.peakResidentBytes() / MIB, "MiB"));
      compare(Section.MEMORY, "memory." + n + ".flux-ratio", "peak RSS through the cold sync of " + n,
          "memory." + n + ".peak-rss", "memory." + n + ".flux.peak-rss");
    }
  }

  private void noOpResync(int size, FluxPeer flux, String prefix) {
    if (!options.runs(Section.NO_OP_RESYNC)) {
      return;
    }
    List<Double> walls = new ArrayList<>();
    List<Double> cpus = new ArrayList<>();
    List<Double> totals = new ArrayList<>();
    List<Double> dryRuns = new ArrayList<>();
    long objectWrites = 0;
    for (int run = 0; run < SyncBenchmark.NO_OP_RUNS; run++) {
      Map<String, String> versionsBefore = live.versions(prefix);
      Duration cpuBefore = flux.usage().cpuTime();
      RequestCounts before = requests.now();
      long start = System.nanoTime();
      flux.awaitHandled(flux.requestReconcileAll(), SYNC_TIMEOUT);
      walls.add((System.nanoTime() - start) / 1e9);
      cpus.add(flux.usage().cpuTime().minus(cpuBefore).toNanos() / 1e9);
      RequestCounts counts = requests.now().since(before);
      objectWrites += LiveObjects.changed(versionsBefore, live.versions(prefix));
      totals.add((double) counts.total());
      dryRuns.add((double) counts.dryRuns());
    }
    String n = Integer.toString(size);
    report.add(figure(Section.NO_OP_RESYNC, "no-op-resync." + n + ".flux.seconds",
        "Flux no-op reconcile of " + n + ", wall", Percentiles.of(walls, 50), "s"));
    report.add(figure(Section.NO_OP_RESYNC, "no-op-resync." + n + ".flux.cpu-seconds",
        "Flux no-op reconcile of " + n + ", CPU of both controllers", Percentiles.of(cpus, 50), "s"));
    report.add(figure(Section.NO_OP_RESYNC, "no-op-resync." + n + ".flux.writes",
        "Flux no-op reconcile of " + n + ", managed objects written (all " + SyncBenchmark.NO_OP_RUNS + " runs)",
        objectWrites, ""));
    report.add(figure(Section.NO_OP_RESYNC, "no-op-resync." + n + ".flux.requests",
        "Flux no-op reconcile of " + n + ", API requests", Percentiles.of(totals, 50), ""));
    report.add(figure(Section.NO_OP_RESYNC, "no-op-resync." + n + ".flux.dry-runs",
        "Flux no-op reconcile of " + n + ", API dry runs (every object re-verified)", Percentiles.of(dryRuns, 50),
        ""));
    compare(Section.NO_OP_RESYNC, "no-op-resync." + n + ".flux-ratio", "no-op resync wall at " + n,
        "no-op-resync." + n + ".seconds", "no-op-resync." + n + ".flux.seconds");
    compare(Section.NO_OP_RESYNC, "no-op-resync." + n + ".flux-cpu-ratio", "no-op resync CPU at " + n,
        "no-op-resync." + n + ".cpu-seconds", "no-op-resync." + n + ".flux.cpu-seconds");
  }

  private void oneObjectChange(int size, SourceLayout layout, BenchRepo repo, FluxPeer flux, String prefix) {
    String ns = Manifests.namespace(prefix, Manifests.CHANGED);
    String name = Manifests.configMapName(Manifests.CHANGED);
    List<Double> latencies = new ArrayList<>();
    for (int i = 1; i <= RUNS; i++) {
      String value = "flux-" + i;
      long start = System.nanoTime();
      repo.commit(layout.configMapFile(prefix, Manifests.CHANGED, value), "Change " + name + " to " + value);
      flux.requestFetch();
      live.awaitValue(ns, name, value, CHANGE_TIMEOUT, flux::exited);
      latencies.add((System.nanoTime() - start) / 1e9);
    }
    report.add(figure(Section.ONE_OBJECT_CHANGE, "one-object-change.flux.p50",
        "Flux commit→applied at " + size + " via a reconcile request, median of " + RUNS,
        Percentiles.of(latencies, 50), "s"));
    compare(Section.ONE_OBJECT_CHANGE, "one-object-change.flux-ratio", "commit→applied at " + size + ", p50",
        "one-object-change.webhook.p50", "one-object-change.flux.p50");
  }

  private void drift(int size, FluxPeer flux, String prefix) {
    String ns = Manifests.namespace(prefix, Manifests.DRIFTED);
    String name = Manifests.configMapName(Manifests.DRIFTED);
    flux.setInterval(DRIFT_INTERVAL);
    // The interval's change starts a reconcile: edits begin once one has finished with the new interval.
    flux.awaitHandled(flux.requestReconcileAll(), SYNC_TIMEOUT);
    List<Double> latencies = new ArrayList<>();
    for (int i = 1; i <= RUNS; i++) {
      long start = System.nanoTime();
      live.edit(ns, name, "edited-" + i);
      live.awaitValue(ns, name, "v0", DRIFT_INTERVAL.plus(CHANGE_TIMEOUT), flux::exited);
      latencies.add((System.nanoTime() - start) / 1e9);
    }
    report.add(figure(Section.DRIFT, "drift.flux.p50", "Flux drift corrected at " + size + " (interval "
        + DRIFT_INTERVAL.toSeconds() + " s), median of " + RUNS, Percentiles.of(latencies, 50), "s"));
    compare(Section.DRIFT, "drift.flux-ratio", "drift corrected at " + size + ", p50", "drift.p50",
        "drift.flux.p50");
  }

  /** Keelson's figure ÷ Flux's, judged against 1 (below: Keelson ahead), when both were measured. */
  private void compare(Section section, String key, String what, String keelsonKey, String fluxKey) {
    report.value(keelsonKey).ifPresent(keelson -> report.value(fluxKey).ifPresent(flux -> {
      double ratio = keelson / flux;
      report.add(judged(section, key, "Keelson ÷ Flux, " + what, ratio, "×", "< 1×", ratio < 1));
    }));
  }

  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.0f MiB", bytes / MIB);
  }
}
