package io.keelson.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server started for tests never outlives its owner, even an owner killed with SIGKILL. */
class SupervisedProcessTest {

  @TempDir Path temp;

  @Test
  void aKilledOwnerTakesItsServerAndWorkDirectoryWithIt() throws Exception {
    Process owner = new ProcessBuilder("sleep", "600").start();
    Path workDir = Files.createDirectories(temp.resolve("work"));
    SupervisedProcess server = SupervisedProcess.start("sleeper", workDir, List.of("sleep", "600"), owner.pid());
    ProcessHandle child = await(() -> serverOf(server), "the server to start");

    owner.destroyForcibly().waitFor();

    await(() -> child.isAlive() ? Optional.empty() : Optional.of(true), "the server to stop");
    await(() -> Files.exists(workDir) ? Optional.empty() : Optional.of(true), "the work directory to go");
    await(() -> server.isAlive() ? Optional.empty() : Optional.of(true), "the watchdog to exit");
  }

  @Test
  void closeStopsTheServer() throws Exception {
    Path workDir = Files.createDirectories(temp.resolve("work"));
    SupervisedProcess server = SupervisedProcess.start("sleeper", workDir, List.of("sleep", "600"));
    ProcessHandle child = await(() -> serverOf(server), "the server to start");

    server.close();

    assertThat(child.isAlive()).isFalse();
    assertThat(server.isAlive()).isFalse();
  }

  @Test
  void theLogTailShowsWhatAFailedServerPrinted() throws Exception {
    Path workDir = Files.createDirectories(temp.resolve("work"));
    SupervisedProcess server = SupervisedProcess.start("failing", workDir,
        List.of("sh", "-c", "echo 'error: port already in use' >&2; exit 3"));
    await(() -> server.isAlive() ? Optional.empty() : Optional.of(true), "the server to exit");

    assertThat(server.logTail()).contains("error: port already in use");
  }

  /** The supervised {@code sleep 600}, not the watchdog's own one-second sleeps. */
  private static Optional<ProcessHandle> serverOf(SupervisedProcess supervised) {
    return supervised.handle().children()
        .filter(p -> p.info().arguments().map(args -> List.of(args).contains("600")).orElse(false))
        .findFirst();
  }

  private static <T> T await(java.util.function.Supplier<Optional<T>> probe, String what) {
    return Waiter.await(what, Duration.ofSeconds(15), Duration.ofMillis(50), () -> probe.get().orElse(null), () -> null);
  }
}
