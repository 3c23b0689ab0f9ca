package io.keelson.chart;

import io.dropwizard.core.cli.CheckCommand;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.util.JarLocation;
import io.keelson.agent.KeelsonApplication;
import io.keelson.agent.config.KeelsonConfiguration;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The agent's own {@code check} command, in process: the configuration is parsed with the agent's
 * bootstrap (environment substitution included) and validated exactly as at start.
 */
final class AgentConfigCheck {

  private AgentConfigCheck() {}

  /** Empty when the file is a valid configuration; else what the check printed. */
  static Optional<String> problems(Path configFile) {
    KeelsonApplication application = new KeelsonApplication();
    Bootstrap<KeelsonConfiguration> bootstrap = new Bootstrap<>(application);
    bootstrap.addCommand(new CheckCommand<>(application));
    application.initialize(bootstrap);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Optional<Throwable> failure = new Cli(new JarLocation(AgentConfigCheck.class), bootstrap, out, err)
        .run("check", configFile.toString());
    return failure.map(e -> err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8));
  }
}
