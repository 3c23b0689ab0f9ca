package io.keelson.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server process started for tests. It runs under a watchdog that stops it when the JVM is gone, so
 * no process and no temporary directory outlives a killed test run. Output goes to a log file whose
 * tail is shown when the server fails to start.
 */
final class SupervisedProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private SupervisedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command}; {@code workDir} holds the log and is removed by the watchdog if the JVM dies. */
  static SupervisedProcess start(String name, Path workDir, List<String> command) {
    return start(name, workDir, command, ProcessHandle.current().pid());
  }

  /** As above, but supervised on behalf of another owner process (tests of the watchdog itself). */
  static SupervisedProcess start(String name, Path workDir, List<String> command, long ownerPid) {
    Path log = workDir.resolve(name + ".log");
    List<String> supervised = new ArrayList<>();
    supervised.add(watchdog(workDir).toString());
    supervised.add(Long.toString(ownerPid));
    supervised.add(workDir.toString());
    supervised.addAll(command);
    try {
      Process process = new ProcessBuilder(supervised)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      return new SupervisedProcess(name, process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " (" + command.get(0) + ")", e);
    }
  }

  /** The watchdog's process; the server is its child. */
  ProcessHandle handle() {
    return process.toHandle();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String name() {
    return name;
  }

  Path logFile() {
    return log;
  }

  /** The last lines the server printed, for error messages. */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private static Path watchdog(Path workDir) {
    Path script = workDir.resolve("watchdog.sh");
    if (Files.notExists(script)) {
      try (InputStream in = SupervisedProcess.class.getResourceAsStream("watchdog.sh")) {
        if (in == null) {
          throw new IllegalStateException("watchdog.sh is missing from the testkit jar");
        }
        Files.copy(in, script);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + script, e);
      }
    }
    return script;
  }
}
