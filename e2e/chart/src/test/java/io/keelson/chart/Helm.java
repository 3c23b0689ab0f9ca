package io.keelson.chart;

import io.keelson.testkit.ProjectTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The pinned Helm binary (built by {@code e2e/bin/helm}), run on the project's chart. */
final class Helm {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

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

  Command lint(String... flags) {
    List<String> args = new ArrayList<>(List.of("lint", chart.toString()));
    args.addAll(List.of(flags));
    return run(args);
  }

  /** {@code helm template} of the chart as release {@code keelson} in a namespace, with optional values files. */
  Command template(String namespace, Path... valuesFiles) {
    List<String> args = new ArrayList<>(List.of("template", "keelson", chart.toString(), "--namespace", namespace));
    for (Path values : valuesFiles) {
      args.add("--values");
      args.add(values.toString());
    }
    return run(args);
  }

  private Command run(List<String> args) {
    List<String> command = new ArrayList<>(List.of(binary.toString()));
    command.addAll(args);
    return Command.run(command, Map.of("HELM_CONFIG_HOME", home.resolve("config").toString(),
        "HELM_CACHE_HOME", home.resolve("cache").toString(), "HELM_DATA_HOME", home.resolve("data").toString()),
        home, TIMEOUT);
  }
}
