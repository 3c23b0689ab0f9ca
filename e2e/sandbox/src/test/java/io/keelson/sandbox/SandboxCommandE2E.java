package io.keelson.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.testkit.ChartJvm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main command as a person runs it: it says where the status page is, and Ctrl-C stops it all. */
class SandboxCommandE2E {

  @TempDir Path dir;

  private Process sandbox(Path directory, Path output) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    // A terminal delivers Ctrl-C to a sandbox whose SIGINT is at its default. A test run started in the background
    // of a non-interactive shell inherits SIGINT ignored, and a JVM keeps an ignored SIGINT ignored: so the
    // sandbox starts here with SIGINT back at its default, as in a terminal.
    return new ProcessBuilder("env", "--default-signal=INT", java, "-cp", System.getProperty("java.class.path"), SandboxMain.class.getName(),
        directory.toString())
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
  }

  @Test
  void givenNoSandbox_whenStarted_thenItServesTheStatusPageRefusesASecondCopyAndCtrlCStopsEverything()
      throws Exception {
    Path output = dir.resolve("sandbox.out");
    Process sandbox = sandbox(dir.resolve("state"), output);
    try {
      URI status = awaitStatusUrl(sandbox, output);
      HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(status).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("<html");
      assertThat(Files.readString(output)).contains("git commit -am").contains(dir.resolve("state/config").toString())
          .contains("over smart HTTP").contains(dir.resolve("state/agent/api-token").toString());

      // The agent runs the JVM a pod of the chart runs.
      ProcessHandle agent = agentJvm(sandbox);
      assertThat(agent.info().arguments().map(List::of).orElseThrow()).as("the agent's JVM arguments")
          .containsSequence(ChartJvm.options());

      // A killed agent is started again by the sandbox, which says so.
      agent.destroyForcibly();
      awaitOutput(sandbox, output, "the agent is running again");
      assertThat(Files.readString(output)).contains("the agent exited", "restarting it in 1 s");
      assertThat(agentJvm(sandbox).pid()).isNotEqualTo(agent.pid());
      assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(status).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);

      // A second sandbox on the same directory stops at once instead of fighting over the repository.
      Path secondOutput = dir.resolve("second.out");
      Process second = sandbox(dir.resolve("state"), secondOutput);
      assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(second.exitValue()).isEqualTo(1);
      assertThat(Files.readString(secondOutput)).contains("another sandbox is running");

      // Ctrl-C (SIGINT; destroy() sends SIGTERM, which the JVM handles the same way) stops every server.
      List<ProcessHandle> servers = new ArrayList<>(sandbox.descendants().toList());
      assertThat(servers).isNotEmpty();
      new ProcessBuilder("kill", "-INT", Long.toString(sandbox.pid())).start().waitFor();
      assertThat(sandbox.waitFor(60, TimeUnit.SECONDS)).as("the sandbox exits after Ctrl-C").isTrue();
      for (ProcessHandle server : servers) {
        server.onExit().get(20, TimeUnit.SECONDS);
      }
      assertThat(servers).noneMatch(ProcessHandle::isAlive);
      assertThat(Files.readString(output)).contains("stopped; the repository stays in");
      assertThat(dir.resolve("state/config/.git")).isDirectory();
    } finally {
      sandbox.descendants().forEach(ProcessHandle::destroyForcibly);
      sandbox.destroyForcibly();
    }
  }

  private static URI awaitStatusUrl(Process sandbox, Path output) throws Exception {
    Matcher matcher = awaitOutput(sandbox, output, "status page\\s+(http://127\\.0\\.0\\.1:\\d+/)");
    return URI.create(matcher.group(1));
  }

  /** Waits for a line of the sandbox's output matching {@code regex}, failing at once if the sandbox exits. */
  private static Matcher awaitOutput(Process sandbox, Path output, String regex) throws Exception {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      if (!sandbox.isAlive()) {
        throw new AssertionError("the sandbox exited with " + sandbox.exitValue() + ":\n" + Files.readString(output));
      }
      Matcher matcher = pattern.matcher(Files.readString(output));
      if (matcher.find()) {
        return matcher;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no output matching " + regex + " within 180 s:\n" + Files.readString(output));
  }

  /** The agent's JVM among the sandbox's descendants (it runs keelson-agent.jar). */
  private static ProcessHandle agentJvm(Process sandbox) {
    return sandbox.descendants()
        .filter(p -> p.info().arguments().map(args -> String.join(" ", args).contains("keelson-agent.jar"))
            .orElse(false))
        .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
        .findFirst().orElseThrow(() -> new AssertionError("no agent JVM under the sandbox"));
  }
}
