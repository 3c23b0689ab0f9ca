package io.keelson.agent.render;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a render tool (Kustomize, Helm) as a subprocess without a shell, in an environment it is given and
 * nothing else, with a deadline and a cap on its output: stdout is read as it comes and the process tree
 * is killed the moment it passes the cap, so a runaway build costs at most the cap in memory.
 */
final class ToolProcess {

  /** What a run came to. */
  sealed interface Result {
    /** The tool exited; {@code stderr} is its last words, for the error message. */
    record Exited(int code, byte[] stdout, String stderr) implements Result {}

    record TimedOut(Duration after) implements Result {}

    record TooLarge(long limit) implements Result {}

    /** The binary could not be started (missing, not executable). */
    record NotStarted(String reason) implements Result {}
  }

  private static final int STDERR_KEPT = 16 * 1024;

  private final Duration timeout;
  private final long maxOutputBytes;

  ToolProcess(Duration timeout, long maxOutputBytes) {
    this.timeout = timeout;
    this.maxOutputBytes = maxOutputBytes;
  }

  Result run(List<String> command, Path workingDirectory, Map<String, String> environment, Path scratch)
      throws IOException {
    Path stderrFile = scratch.resolve("stderr");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
        .redirectError(stderrFile.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new Result.NotStarted(e.getMessage());
    }
    AtomicBoolean timedOut = new AtomicBoolean();
    CompletableFuture<Void> watchdog = CompletableFuture.runAsync(() -> {
      timedOut.set(process.isAlive());
      kill(process);
    }, CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS));
    try {
      byte[] stdout = readCapped(process.getInputStream());
      if (stdout == null) {
        kill(process);
        return new Result.TooLarge(maxOutputBytes);
      }
      process.waitFor();
      if (timedOut.get()) {
        return new Result.TimedOut(timeout);
      }
      return new Result.Exited(process.exitValue(), stdout, tail(stderrFile));
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.get(0), e);
    } finally {
      watchdog.cancel(false);
      kill(process);
    }
  }

  /** All of stdout, or null as soon as it passes the cap. */
  private byte[] readCapped(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int read; (read = in.read(buffer)) >= 0; ) {
      total += read;
      if (total > maxOutputBytes) {
        return null;
      }
      out.write(buffer, 0, read);
    }
    return out.toByteArray();
  }

  private static String tail(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int from = Math.max(0, bytes.length - STDERR_KEPT);
    return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8).strip();
  }

  /** Kustomize starts Helm: the whole tree goes. */
  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static java.io.File nullDevice() {
    return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }
}
