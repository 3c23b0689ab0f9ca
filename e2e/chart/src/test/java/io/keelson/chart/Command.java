package io.keelson.chart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One run of a program (helm, kubectl, promtool): its exit code and what it printed. */
record Command(int exitCode, String stdout, String stderr) {

  /** Runs a program to completion; stderr goes to a file in {@code work} so neither pipe can fill up. */
  static Command run(List<String> command, Map<String, String> environment, Path work, Duration timeout) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    try {
      Path stderr = Files.createTempFile(work, "command", ".err");
      Process process = builder.redirectError(stderr.toFile()).start();
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command + " did not finish within " + timeout);
      }
      return new Command(process.exitValue(), stdout, Files.readString(stderr));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    }
  }

  /** The output, or a failure naming what the program said. */
  String stdoutIfSucceeded() {
    if (exitCode != 0) {
      throw new AssertionError("exit code " + exitCode + ":\n" + stderr + stdout);
    }
    return stdout;
  }

  String output() {
    return stdout + stderr;
  }
}
