package io.keelson.agent.config;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the project that tests check, found from the module's directory. */
final class ProjectFiles {

  private ProjectFiles() {}

  static Path agentExample() {
    Path here = Path.of("").toAbsolutePath();
    Path example = Files.exists(here.resolve("keelson.yml")) ? here.resolve("keelson.yml")
        : here.resolve("agent/keelson.yml");
    if (!Files.exists(example)) {
      throw new IllegalStateException("no keelson.yml under " + here);
    }
    return example;
  }
}
