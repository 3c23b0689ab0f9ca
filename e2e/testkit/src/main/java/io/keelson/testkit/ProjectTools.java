package io.keelson.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds the project's own install scripts ({@code e2e/bin/*}) and runs them, so that a test started
 * from an IDE builds or installs what it needs exactly as the README's test command does.
 */
public final class ProjectTools {

  private static final long SCRIPT_TIMEOUT_MINUTES = 60;

  private ProjectTools() {}

  /** The checkout's top directory: the nearest ancestor of the working directory with {@code e2e/bin}. */
  public static Path projectRoot() {
    String configured = System.getProperty("keelson.root");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("e2e/bin"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the Keelson checkout (a directory with e2e/bin) above " + Path.of("").toAbsolutePath()
            + "; set -Dkeelson.root");
  }

  /** Runs {@code e2e/bin/<script> args...}, passing its progress through, and returns its last stdout line. */
  public static String run(String script, String... args) {
    Path path = projectRoot().resolve("e2e/bin").resolve(script);
    List<String> command = new java.util.ArrayList<>(List.of(path.toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command)
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(SCRIPT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(path + " did not finish within " + SCRIPT_TIMEOUT_MINUTES + " minutes");
      }
      String stdout = new String(out, StandardCharsets.UTF_8).strip();
      if (process.exitValue() != 0 || stdout.isEmpty()) {
        throw new IllegalStateException(path + " failed with exit code " + process.exitValue() + " (its messages are above)");
      }
      return stdout.lines().reduce((first, second) -> second).orElseThrow();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + path + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + path, e);
    }
  }
}
