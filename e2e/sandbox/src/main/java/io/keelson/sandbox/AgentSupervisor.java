package io.keelson.sandbox;

import io.keelson.testkit.AgentProcess;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Restarts the sandbox's agent whenever its JVM exits without being asked to (a crash, an out-of-memory kill,
 * {@code kill -9}), after a {@link RestartBackoff}, and says so on the console: a person trying the sandbox
 * sees what happened and never has to find the command that starts the agent.
 */
final class AgentSupervisor implements AutoCloseable {

  private final Sandbox sandbox;
  private final Consumer<String> say;
  private final RestartBackoff backoff;
  private final Thread thread;
  private volatile boolean closed;

  AgentSupervisor(Sandbox sandbox, Consumer<String> say, RestartBackoff backoff) {
    this.sandbox = sandbox;
    this.say = say;
    this.backoff = backoff;
    this.thread = new Thread(this::supervise, "sandbox-agent-supervisor");
    thread.setDaemon(true);
  }

  AgentSupervisor start() {
    thread.start();
    return this;
  }

  private void supervise() {
    Duration delay = null;
    int restarts = 0;
    while (!closed) {
      AgentProcess agent = sandbox.agent();
      long startedAt = System.nanoTime();
      agent.exited().join();
      if (closed) {
        return;
      }
      delay = backoff.next(delay, Duration.ofNanos(System.nanoTime() - startedAt));
      restarts++;
      say.accept(String.format("sandbox: the agent exited (its log: %s); restarting it in %d s (restart %d)",
          agent.logFile(), delay.toSeconds(), restarts));
      try {
        Thread.sleep(delay.toMillis());
        if (closed) {
          return;
        }
        sandbox.startAgent();
        say.accept("sandbox: the agent is running again at " + sandbox.url("/"));
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        say.accept("sandbox: the agent did not start: " + e.getMessage());
      }
    }
  }

  /** Stops supervising: an agent stopped from now on stays stopped. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
