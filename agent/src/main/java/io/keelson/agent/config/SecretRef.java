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

  /** Exactly one of file or env is set, and names something. */
  public boolean isWellFormed() {
    return file == null ? env != null && !env.isBlank() : env == null && !file.isBlank();
  }

  /**
   * True when the secret can be read here and is empty — a configuration error however it is used (an empty
   * webhook secret signs anything). A file or variable that is not there yet is the running agent's to report.
   */
  public boolean isEmptyWhereReadable(Map<String, String> environment) {
    if (!isWellFormed()) {
      return false;
    }
    if (file != null) {
      Path path = Path.of(file);
      try {
        return Files.isRegularFile(path) && Files.readString(path).strip().isEmpty();
      } catch (IOException e) {
        return false;
      }
    }
    String value = environment.get(env);
    return value != null && value.strip().isEmpty();
  }

  public String describe() {
    return file != null ? "file " + file : "environment variable " + env;
  }

  /** The secret's value (trailing newline removed); a clear error naming only where it should be. */
  public String resolve(Map<String, String> environment) {
    if (file != null) {
      String value;
      try {
        value = Files.readString(Path.of(file)).stripTrailing();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the secret in " + describe() + ": " + e.getMessage(), e);
      }
      if (value.isBlank()) {
        throw new IllegalStateException("the secret in " + describe() + " is empty");
      }
      return value;
    }
    String value = environment.get(env);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("the " + describe() + " is not set");
    }
    return value;
  }
}
