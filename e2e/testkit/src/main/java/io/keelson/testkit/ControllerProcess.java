package io.keelson.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes controller binary run as a local process (for instance a peer the benchmark compares with),
 * supervised like the testkit's servers so it never outlives the JVM that started it. Its output goes to
 * {@code workDir/<name>.log}.
 */
public final class ControllerProcess implements AutoCloseable {

  private final SupervisedProcess process;

  private ControllerProcess(SupervisedProcess process) {
    this.process = process;
  }

  /** Starts {@code binary args...} with {@code environment} added to this JVM's. */
  public static ControllerProcess start(String name, Path workDir, Path binary, List<String> args,
      Map<String, String> environment) {
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + workDir, e);
    }
    // env(1) execs the binary, so the watchdog's child is the controller itself.
    List<String> command = new ArrayList<>(List.of("env"));
    environment.forEach((key, value) -> command.add(key + "=" + value));
    command.add(binary.toString());
    command.addAll(args);
    return new ControllerProcess(SupervisedProcess.start(name, workDir, command));
  }

  /** Its memory and CPU now. */
  public ProcessUsage usage() {
    ProcessHandle controller = process.handle().children().findFirst()
        .orElseThrow(() -> new IllegalStateException(process.name() + " is not running:\n" + process.logTail()));
    return ProcessUsage.of(controller);
  }

  /** Null while it runs; else that it exited, with the end of its log. */
  public String exited() {
    return ControlPlane.exited(process);
  }

  public String logTail() {
    return process.logTail();
  }

  @Override
  public void close() {
    process.close();
  }
}
