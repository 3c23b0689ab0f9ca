package io.keelson.bench;

import io.keelson.testkit.ControlPlane;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code kubectl apply --server-side} of a directory, timed from process start to exit. */
final class Kubectl {

  static final String FIELD_MANAGER = "bench";

  private final ControlPlane plane;

  Kubectl(ControlPlane plane) {
    this.plane = plane;
  }

  /** Applies every file under {@code dir}, recursively; returns how long kubectl took. */
  Duration applyServerSide(Path dir) {
    List<String> command = List.of(plane.binaries().kubectl().toString(), "--kubeconfig",
        plane.kubeconfigFile().toString(), "apply", "--server-side", "--field-manager=" + FIELD_MANAGER,
        "-f", dir.toString(), "-R");
    long start = System.nanoTime();
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      // Drained while it runs: kubectl prints a line per object and would block on a full pipe.
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException("kubectl apply failed: " + tail(output));
      }
      return Duration.ofNanos(System.nanoTime() - start);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kubectl: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while kubectl ran", e);
    }
  }

  private static String tail(String output) {
    return output.length() > 2000 ? output.substring(output.length() - 2000) : output;
  }
}
