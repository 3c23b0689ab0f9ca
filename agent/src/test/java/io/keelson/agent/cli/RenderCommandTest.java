package io.keelson.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.testkit.SopsCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
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
    run(Map.of());
  }

  private void run(Map<String, Object> options) throws Exception {
    Map<String, Object> arguments = new HashMap<>(options);
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

  @Test
  void aFailedRenderEndsWithOneSummaryLineAndNoStackTrace() throws Exception {
    Files.writeString(repo.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {a: b}}\n");

    CommandRun run = CommandRun.of("render", repo.toString());

    assertThat(run.status()).isEqualTo(1);
    List<String> lines = run.err().lines().toList();
    assertThat(lines).first().asString().startsWith("cm.yaml:1 (document 1): missing metadata.name");
    assertThat(lines).last().isEqualTo("render failed: 1 error(s) in " + repo);
    assertThat(run.err()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void verboseAddsWhereItHappened() throws Exception {
    CommandRun run = CommandRun.of("render", repo.resolve("absent").toString(), "--verbose");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).startsWith("render failed: " + repo.resolve("absent")
        + " is not a directory").contains("\tat io.keelson.agent.cli.RenderCommand.run");
  }

  @Test
  void printsTheObjectsAsYamlWithSecretValuesMasked() throws Exception {
    Files.writeString(repo.resolve("all.yaml"), """
        apiVersion: v1
        kind: Secret
        metadata: {name: db}
        stringData: {password: sentinel-s3cret}
        data: {token: c2VudGluZWwtdG9rZW4=}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {mode: prod}
        """);

    CommandRun run = CommandRun.of("render", repo.toString(), "--namespace", "shop", "-o", "yaml");

    assertThat(run.status()).isZero();
    String yaml = run.out();
    assertThat(yaml).doesNotContain("sentinel").doesNotContain("c2VudGluZWwtdG9rZW4=")
        .contains("password: '*****'").contains("token: '*****'")
        .contains("namespace: shop").contains("mode: prod");
    assertThat(yaml.split("(?m)^---$")).hasSize(3);
  }

  @Test
  void printsJsonAsAListAndSecretsOnlyWhenAsked() throws Exception {
    Files.writeString(repo.resolve("secret.yaml"), """
        apiVersion: v1
        kind: Secret
        metadata: {name: db}
        stringData: {password: sentinel-s3cret}
        """);

    CommandRun run = CommandRun.of("render", repo.toString(), "-o", "json", "--show-secrets");

    assertThat(run.status()).isZero();
    Map<?, ?> list = new ObjectMapper().readValue(run.out(), Map.class);
    assertThat(list.get("kind")).isEqualTo("List");
    assertThat(list.get("items").toString()).contains("password=sentinel-s3cret");
  }

  @Test
  void sopsFilesDecryptWithAKeyFileOrAreCheckedWithoutOne(@TempDir Path work) throws Exception {
    String sentinel = "hunter2-cli-sentinel";
    try (SopsCli cli = SopsCli.in(work)) {
      SopsCli.AgeKey key = cli.ageKey("ci");
      SopsCli.AgeKey other = cli.ageKey("other");
      String encrypted = cli.encrypt("db.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\n"
          + "stringData: {password: " + sentinel + "}\n", "--age", key.recipient(),
          "--encrypted-regex", "^stringData$");
      Files.writeString(repo.resolve("db.yaml"), encrypted);

      run(Map.of("age_key_file", key.file().toString()));
      run(Map.of("no_decrypt", true));
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("1 objects rendered").contains("Secret=1");

      assertThatThrownBy(() -> run(Map.of("age_key_file", other.file().toString())))
          .hasMessageContaining("1 error(s)");
      assertThat(err.toString(StandardCharsets.UTF_8))
          .contains("db.yaml: it is encrypted for [" + key.recipient() + "]; none of the configured keys");

      Files.writeString(repo.resolve("db.yaml"), encrypted.replaceAll("(?m)^    mac: .*$", "    mac: \"\""));
      assertThatThrownBy(() -> run(Map.of("no_decrypt", true))).hasMessageContaining("1 error(s)");
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("db.yaml: it has no MAC (sops.mac)");
    }
    assertThat(out.toString(StandardCharsets.UTF_8) + err).doesNotContain(sentinel);
  }
}
