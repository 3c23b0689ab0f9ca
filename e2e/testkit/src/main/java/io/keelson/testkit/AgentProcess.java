package io.keelson.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The Keelson agent as its own JVM ({@code java -jar keelson-agent.jar server <config>}), the way it runs in a
 * pod: it can be killed with SIGKILL mid-work, and its memory and CPU are its own. The configuration file
 * must bind the application and admin connectors to 127.0.0.1 on the given ports.
 */
public final class AgentProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final SupervisedProcess process;
  private final int port;
  private final int adminPort;

  private AgentProcess(SupervisedProcess process, int port, int adminPort) {
    this.process = process;
    this.port = port;
    this.adminPort = adminPort;
  }

  /** The shaded agent jar the build makes ({@code ./mvnw -pl agent -am package}). */
  public static Path jar() {
    Path jar = ProjectTools.projectRoot().resolve("agent/target/keelson-agent.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no agent jar at " + jar
          + "; build it first with ./mvnw -B -pl agent -am package -DskipTests");
    }
    return jar;
  }

  /**
   * Starts the agent with {@code config} (logs go to {@code workDir/<name>.log}) and waits until its status
   * endpoint answers.
   */
  public static AgentProcess start(String name, Path config, Path workDir, int port, int adminPort,
      List<String> jvmOptions) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new java.util.ArrayList<>(List.of(java));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar().toString(), "server", config.toString()));
    return start(name, command, workDir, port, adminPort);
  }

  /**
   * Starts the agent by {@code command} (e.g. the image's entrypoint in its root file system) and waits until
   * its status endpoint answers on {@code port}.
   */
  public static AgentProcess start(String name, List<String> command, Path workDir, int port, int adminPort) {
    AgentProcess agent = new AgentProcess(SupervisedProcess.start(name, workDir, command), port, adminPort);
    try {
      Waiter.await(name + " at " + agent.url("/api/v1/status"), START_TIMEOUT, Duration.ofMillis(200),
          () -> agent.answers() ? Boolean.TRUE : null, () -> ControlPlane.exited(agent.process));
      return agent;
    } catch (RuntimeException e) {
      agent.close();
      throw e;
    }
  }

  private boolean answers() {
    try {
      HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(url("/api/v1/status"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public URI url(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public URI adminUrl(String path) {
    return URI.create("http://127.0.0.1:" + adminPort + path);
  }

  /**
   * The agent's JVM: the supervised process's first child. The watchdog's own short {@code sleep}s are its
   * children too, started later, so the oldest child is the JVM.
   */
  public ProcessHandle jvm() {
    return process.handle().children()
        .min(java.util.Comparator.comparing(child -> child.info().startInstant().orElse(java.time.Instant.MAX)))
        .orElseThrow(() -> new IllegalStateException("the agent's JVM is not running"));
  }

  /** Resident set size of the agent's JVM, from /proc (Linux). */
  public long residentBytes() {
    return usage().residentBytes();
  }

  /** User plus system CPU time the agent's JVM has used so far. */
  public Duration cpuTime() {
    return usage().cpuTime();
  }

  /** The JVM's memory and CPU now, with its peak resident set so far. */
  public ProcessUsage usage() {
    return ProcessUsage.of(jvm());
  }

  /** Completes once the agent's JVM has exited, however it ended. */
  public java.util.concurrent.CompletableFuture<ProcessHandle> exited() {
    return process.handle().onExit();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the agent's JVM with SIGKILL, as a node failure or an OOM kill would: no shutdown hook runs. */
  public void kill() {
    ProcessHandle jvm = jvm();
    jvm.destroyForcibly();
    jvm.onExit().join();
    process.close();
  }

  /** Where the agent's output goes. */
  public Path logFile() {
    return process.logFile();
  }

  public String logTail() {
    return process.logTail();
  }

  @Override
  public void close() {
    process.close();
  }
}
