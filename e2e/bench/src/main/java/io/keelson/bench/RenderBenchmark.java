package io.keelson.bench;

import static io.keelson.bench.Measurement.figure;
import static io.keelson.bench.Measurement.judged;

import io.keelson.agent.model.Rendered;
import io.keelson.agent.render.KindScopes;
import io.keelson.agent.render.ManifestRenderer;
import io.keelson.agent.render.RenderOptions;
import io.keelson.agent.render.RenderTools;
import io.keelson.testkit.ProjectTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's render of N objects as plain YAML, as a Kustomize overlay on a base, and as a Helm chart, with
 * the pinned binaries the agent ships: the render's wall time, the CPU its tools used, and the heap the
 * rendered objects hold. Run in this JVM through the agent's own {@link ManifestRenderer}, cold (nothing
 * cached), with a timeout long enough to see how far past the default {@code render.timeout} a build goes.
 */
final class RenderBenchmark {

  /** Long enough for a build far past the default, so the figure is measured rather than cut off. */
  static final Duration TIMEOUT = Duration.ofMinutes(15);
  private static final KindScopes SCOPES = (apiVersion, kind) -> Optional.of(!kind.equals("Namespace"));

  private final BenchOptions options;
  private final Report report;
  private final Path workDir;

  RenderBenchmark(BenchOptions options, Report report, Path workDir) {
    this.options = options;
    this.report = report;
    this.workDir = workDir;
  }

  void run() {
    report.define(Section.RENDER, "the objects of cold-sync (3 ConfigMaps : 1 Service : 1 Deployment, one file"
        + " each) rendered by the agent's ManifestRenderer in the benchmark's JVM, cold: as plain files; as a"
        + " Kustomize base listing the files plus an overlay adding a label (kustomize build); as a Helm chart"
        + " whose templates are the files (helm template, through a directory with Chart.yaml). Wall time of"
        + " the render (after one unmeasured plain render warms the JVM), CPU time of the tool processes it ran (the JVM's children, from /proc), and heap held by"
        + " the rendered objects (used heap after a full GC with the result held, minus before). Timeout "
        + TIMEOUT.toMinutes() + " min instead of render.timeout's 60 s, to measure past it.");
    String kustomize = ProjectTools.run("kustomize");
    String helm = ProjectTools.run("helm");
    RenderTools tools = RenderTools.defaults().withBinaries(kustomize, helm)
        .withLimits(TIMEOUT, RenderTools.DEFAULT_MAX_OUTPUT_BYTES);
    for (int n : options.sizes()) {
      Path root = workDir.resolve("render-" + n);
      Map<String, String> files = Manifests.objects("render", n, "v0");
      write(root.resolve("plain"), files);
      write(root.resolve("kustomize/base"), files);
      write(root.resolve("kustomize/base"), Map.of("kustomization.yaml",
          "resources:\n" + files.keySet().stream().map(f -> "  - " + f + "\n").reduce("", String::concat)));
      write(root.resolve("kustomize/overlays/bench"), Map.of("kustomization.yaml",
          "resources: [../../base]\nlabels:\n  - pairs: {environment: bench}\n"));
      write(root.resolve("helm/templates"), files);
      write(root.resolve("helm"), Map.of("Chart.yaml", "apiVersion: v2\nname: bench\nversion: 0.1.0\n"));
      // Class loading and JIT warm-up belong to no render: one unmeasured pass first.
      new ManifestRenderer(RenderOptions.defaults("render-0").withTools(tools)).render(root, List.of("plain"), SCOPES);
      measure(n, "plain", root, "plain", tools);
      measure(n, "kustomize", root, "kustomize/overlays/bench", tools);
      measure(n, "helm", root, "helm", tools);
    }
  }

  private void measure(int n, String kind, Path root, String path, RenderTools tools) {
    ManifestRenderer renderer = new ManifestRenderer(RenderOptions.defaults("render-0").withTools(tools));
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long heapBefore = memory.getHeapMemoryUsage().getUsed();
    double childCpuBefore = childrenCpuSeconds();
    long start = System.nanoTime();
    Rendered rendered = renderer.render(root, List.of(path), SCOPES);
    double seconds = (System.nanoTime() - start) / 1e9;
    double childCpu = childrenCpuSeconds() - childCpuBefore;
    System.gc();
    long heapHeld = memory.getHeapMemoryUsage().getUsed() - heapBefore;
    if (!rendered.ok()) {
      throw new IllegalStateException("the " + kind + " render of " + n + " objects failed: " + rendered.errors());
    }
    String key = "render." + n + "." + kind;
    String what = kind + " render of " + rendered.objects().size() + " objects";
    report.add(judged(Section.RENDER, key + ".seconds", what + ", wall", seconds, "s",
        "≤ 60 s (render.timeout default)", seconds <= RenderTools.DEFAULT_TIMEOUT.toSeconds()));
    if (!kind.equals("plain")) {
      report.add(figure(Section.RENDER, key + ".tool-cpu", what + ", CPU of the " + kind + " process", childCpu, "s"));
    }
    report.add(figure(Section.RENDER, key + ".heap", what + ", heap held by the result",
        Math.max(0, heapHeld) / (1024.0 * 1024.0), "MiB"));
  }

  /** CPU seconds (user + system) of this JVM's finished child processes, from /proc/self/stat. */
  private static double childrenCpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // Fields after the command name (which may hold spaces) start at state, field 3; cutime and cstime are 16, 17.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / 100.0; // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static void write(Path dir, Map<String, String> files) {
    try {
      for (Map.Entry<String, String> file : files.entrySet()) {
        Path path = dir.resolve(file.getKey());
        Files.createDirectories(path.getParent());
        Files.writeString(path, file.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the render benchmark's files under " + dir, e);
    }
  }
}
