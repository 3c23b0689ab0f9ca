package io.keelson.chart;

import io.keelson.testkit.ProjectTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The pinned Helm binary (built by {@code e2e/bin/helm}), run on the project's chart. */
final class Helm {

  private static final long TIMEOUT_SECONDS = 120;

  private final Path binary;
  private final Path chart;
  private final Path home;

  private Helm(Path binary, Path chart, Path home) {
    this.binary = binary;
    this.chart = chart;
    this.home = home;
  }

  /** Builds Helm if it is not cached yet; its config and cache go to a private directory, not the user's. */
  static Helm locate(Path home) {
    return new Helm(Path.of(ProjectTools.run("helm")), ProjectTools.projectRoot().resolve("charts/keelson"), home);
  }

  Path chart() {
    return chart;
  }

  Result lint(String... flags) {
    List<String> args = new ArrayList<>(List.of("lint", chart.toString()));
    args.addAll(List.of(flags));
    return run(args);
  }

  /** {@code helm template} of the chart as release {@code keelson} in a namespace, with optional values files. */
  Result template(String namespace, Path... valuesFiles) {
    List<String> args = new ArrayList<>(List.of("template", "keelson", chart.toString(), "--namespace", namespace));
    for (Path values : valuesFiles) {
      args.add("--values");
      args.add(values.toString());
    }
    return run(args);
  }

  private Result run(List<String> args) {
    List<String> command = new ArrayList<>(List.of(binary.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
    builder.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
    builder.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
    try {
      Path stderr = Files.createTempFile(home, "helm", ".err");
      Process process = builder.redirectError(stderr.toFile()).start();
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("helm " + args + " did not finish within " + TIMEOUT_SECONDS + "s");
      }
      return new Result(process.exitValue(), stdout, Files.readString(stderr));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running helm", e);
    }
  }

  record Result(int exitCode, String stdout, String stderr) {

    /** The output, or an assertion-friendly failure naming what Helm said. */
    String stdoutIfSucceeded() {
      if (exitCode != 0) {
        throw new AssertionError("helm exited with " + exitCode + ":\n" + stderr + stdout);
      }
      return stdout;
    }
  }
}
