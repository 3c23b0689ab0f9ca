package io.keelson.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A secret taken by reference, never written in the configuration itself: a file (a mounted Kubernetes
 * Secret) or an environment variable. Its value never appears in logs or errors, only where it came from.
 */
public class SecretRef {

  @JsonProperty
  private String file;

  @JsonProperty
  private String env;

  public SecretRef() {}

  public SecretRef(String file, String env) {
    this.file = file;
    this.env = env;
  }

  public String getFile() {
    return file;
  }

  public String getEnv() {
    return env;
  }

  /** Exactly one of file or env is set. */
  public boolean isWellFormed() {
    return (file == null) != (env == null);
  }

  public String describe() {
    return file != null ? "file " + file : "environment variable " + env;
  }

  /** The secret's value (trailing newline removed); a clear error naming only where it should be. */
  public String resolve(Map<String, String> environment) {
    if (file != null) {
      try {
        return Files.readString(Path.of(file)).stripTrailing();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the secret in " + describe() + ": " + e.getMessage(), e);
      }
    }
    String value = environment.get(env);
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException("the " + describe() + " is not set");
    }
    return value;
  }
}
