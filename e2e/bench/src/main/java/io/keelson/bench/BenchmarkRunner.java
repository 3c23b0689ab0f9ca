package io.keelson.bench;

import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.GitDaemon;
import io.keelson.testkit.GitHttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs the benchmark's sections on real parts (a control plane, git daemon, Prometheus, the agent as its own
 * JVM), each started here, on 127.0.0.1, and stopped before the next, and collects the figures.
 */
public final class BenchmarkRunner {

  private static final Set<Section> SYNC_SECTIONS = EnumSet.of(Section.COLD_SYNC, Section.NO_OP_RESYNC,
      Section.ONE_OBJECT_CHANGE, Section.DRIFT, Section.MEMORY);

  private BenchmarkRunner() {}

  public static Report run(BenchOptions options) {
    Report report = new Report();
    report.environment("cpus", Runtime.getRuntime().availableProcessors());
    report.environment("sizes", options.sizes());
    report.environment("commits", options.commits());
    report.environment("edits", options.edits());
    report.environment("agentJvmOptions", BenchAgent.JVM_OPTIONS);
    report.environment("java", System.getProperty("java.version"));
    report.environment("peer", options.fluxPeer() ? "flux" : "none");
    Path workDir = temporaryDirectory();
    try {
      boolean sync = options.only().stream().anyMatch(SYNC_SECTIONS::contains);
      if (sync || options.runs(Section.SCALE_OUT)) {
        RollbackBenchmark.createDirectories(workDir.resolve("git"));
        try (ControlPlane plane = ControlPlane.start(); GitDaemon git = GitDaemon.serve(workDir.resolve("git"));
            GitHttpServer smartHttp = GitHttpServer.serve(workDir.resolve("git"))) {
          BenchAgent.createNamespace(plane.client());
          Optional<FluxBenchmark> flux = options.fluxPeer()
              ? Optional.of(new FluxBenchmark(options, report, plane, smartHttp, workDir, FluxPeer.binaries()))
              : Optional.empty();
          if (sync) {
            new SyncBenchmark(options, report, plane, git, workDir, flux).run();
          }
          if (options.runs(Section.SCALE_OUT)) {
            new ScaleOutBenchmark(options, report, plane, git, workDir).run();
          }
        }
      }
      if (options.runs(Section.RENDER)) {
        new RenderBenchmark(options, report, workDir).run();
      }
      if (options.runs(Section.ROLLBACK)) {
        new RollbackBenchmark(report, workDir).run();
      }
    } finally {
      deleteRecursively(workDir);
    }
    report.writeJson(options.out());
    return report;
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("keelson-bench-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory", e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }
}
