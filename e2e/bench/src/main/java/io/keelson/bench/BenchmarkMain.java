package io.keelson.bench;

import io.keelson.testkit.ProjectTools;

/** {@code e2e/bin/bench}: runs the benchmark, prints the table and writes the JSON. */
public final class BenchmarkMain {

  private BenchmarkMain() {}

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args,
          ProjectTools.projectRoot().resolve("e2e/bench/target/bench.json"));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Report report = BenchmarkRunner.run(options);
    System.out.println();
    System.out.print(report.table());
    System.out.println();
    System.out.print(report.definitionsText());
    long missed = report.measurements().stream().filter(m -> Boolean.FALSE.equals(m.met())).count();
    System.out.printf("%ntargets missed: %d; JSON written to %s%n", missed, options.out().toAbsolutePath());
  }
}
