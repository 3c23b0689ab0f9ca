package io.keelson.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code git daemon} serving every repository under a base directory over the git:// protocol on
 * 127.0.0.1, read-only: a real Git transport for the agent to fetch from.
 */
public final class GitDaemon implements AutoCloseable {

  private final SupervisedProcess process;
  private final Path workDir;
  private final int port;

  private GitDaemon(SupervisedProcess process, Path workDir, int port) {
    this.process = process;
    this.workDir = workDir;
    this.port = port;
  }

  public static GitDaemon serve(Path baseDirectory) {
    Path workDir;
    try {
      workDir = Files.createTempDirectory("keelson-git-daemon-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory", e);
    }
    int port = LoopbackPorts.free();
    // Neither the user's nor the system's Git configuration may change what is served.
    SupervisedProcess process = SupervisedProcess.start("git-daemon", workDir, List.of(
        "env", "HOME=" + workDir, "GIT_CONFIG_NOSYSTEM=1", "git", "daemon", "--reuseaddr", "--export-all", "--informative-errors",
        "--listen=127.0.0.1", "--port=" + port, "--base-path=" + baseDirectory.toAbsolutePath(),
        baseDirectory.toAbsolutePath().toString()));
    GitDaemon daemon = new GitDaemon(process, workDir, port);
    try {
      Waiter.await("git daemon on 127.0.0.1:" + port, Duration.ofSeconds(20), Duration.ofMillis(50),
          () -> accepting(port) ? Boolean.TRUE : null, () -> ControlPlane.exited(process));
      return daemon;
    } catch (RuntimeException e) {
      daemon.close();
      throw e;
    }
  }

  private static boolean accepting(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The git:// URL of a repository directory directly under the base directory. */
  public String url(String repository) {
    return "git://127.0.0.1:" + port + "/" + repository;
  }

  @Override
  public void close() {
    process.close();
    ControlPlane.deleteRecursively(workDir);
  }
}
