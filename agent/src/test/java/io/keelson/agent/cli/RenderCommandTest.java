package io.keelson.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import net.sourceforge.argparse4j.inf.Namespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keelson-agent render <dir>} validates a config repository offline, for its own CI. */
class RenderCommandTest {

  @TempDir Path repo;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalOut;
  private PrintStream originalErr;

  @BeforeEach
  void capture() {
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(originalOut);
    System.setErr(originalErr);
  }

  private void run() throws Exception {
    Map<String, Object> arguments = new HashMap<>();
    arguments.put("directory", repo.toString());
    arguments.put("namespace", "shop");
    new RenderCommand().run(null, new Namespace(arguments));
  }

  @Test
  void aValidRepositoryRendersWithASummary() throws Exception {
    Files.writeString(repo.resolve("cm.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        ---
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: public}
        """);

    run();

    assertThat(out.toString(StandardCharsets.UTF_8)).contains("2 objects rendered").contains("ConfigMap=1");
  }

  @Test
  void errorsNameFileAndLineAndFailTheCommand() throws Exception {
    Files.writeString(repo.resolve("cm.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {labels: {a: b}}
        """);

    assertThatThrownBy(this::run).hasMessageContaining("1 error(s)");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("cm.yaml:5 (document 2)").contains("metadata.name");
  }

  @Test
  void anInvalidReleasePolicyIsCaughtOffline() throws Exception {
    Files.writeString(repo.resolve("policy.yaml"), """
        apiVersion: keelson.io/v1alpha1
        kind: ReleasePolicy
        metadata: {name: cart}
        spec:
          targetRef: {name: cart}
          service: {name: cart, port: 80}
          steps: {weights: [50, 10], interval: 30s}
        """);

    assertThatThrownBy(this::run).hasMessageContaining("error(s)");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("policy.yaml");
  }
}
