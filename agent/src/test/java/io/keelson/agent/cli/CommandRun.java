package io.keelson.agent.cli;

import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.util.JarLocation;
import io.keelson.agent.KeelsonApplication;
import io.keelson.agent.config.KeelsonConfiguration;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Runs a command line as the jar does and captures what it printed (the commands print to System's streams,
 * Dropwizard's CLI to its own). The exit status is what {@link KeelsonApplication} would exit with.
 */
record CommandRun(int status, String out, String err) {

  static CommandRun of(String... arguments) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      KeelsonApplication application = new KeelsonApplication();
      Bootstrap<KeelsonConfiguration> bootstrap = new Bootstrap<>(application);
      application.initialize(bootstrap);
      Cli cli = new Cli(new JarLocation(KeelsonApplication.class), bootstrap, out, err);
      Optional<Throwable> failure = cli.run(arguments);
      cli.getStdOut().flush();
      cli.getStdErr().flush();
      int status = failure.map(ExitStatus::of).orElse(0);
      return new CommandRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }
}
