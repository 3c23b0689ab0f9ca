package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.agent.render.sops.SopsDecryptor;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.SopsCli;
import io.keelson.testkit.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A Secret's data appears in no result, log line or error message, whether it applies or is refused; and so does
 * a value decrypted from a SOPS file, which applies as plaintext and is redacted like any Secret's.
 */
@ControlPlaneTest
class SecretSafetyIT {

  private static final String VALUE = "correct-horse-battery-staple";
  private static final String SECRET = """
      apiVersion: v1
      kind: Secret
      metadata:
        name: db
      stringData:
        password: %1$s
      """.formatted(VALUE);
  // A revision the API server refuses: the Secret grows a key that is not a valid key name.
  private static final String REFUSED = SECRET + "  \"bad key %1$s\": %1$s\n".formatted(VALUE);

  @TempDir Path repo;

  @Test
  void secretDataNeverAppearsInResultsOrLogs(KubernetesClient client, TestNamespace ns) {
    String everything = appliedThenRefused(client, ns, options(ns), UnaryOperator.identity(), List.of());

    assertThat(everything).doesNotContain(VALUE);
  }

  @Test
  void sopsDecryptedDataAppliesButNeverAppearsInResultsOrLogs(KubernetesClient client, TestNamespace ns,
      @TempDir Path work) {
    try (SopsCli cli = SopsCli.in(work)) {
      SopsCli.AgeKey key = cli.ageKey("agent");
      UnaryOperator<String> encrypt = plain -> cli.encrypt("db.yaml", plain, "--age", key.recipient(),
          "--encrypted-regex", "^stringData$");
      // Then a revision altered after encryption: refused before any write, naming the file.
      String tampered = encrypt.apply(SECRET).replace("name: db", "name: dc");

      String everything = appliedThenRefused(client, ns,
          options(ns).withSops(SopsDecryptor.withKeyFiles(key.file(), null)), encrypt, List.of(tampered));

      assertThat(everything).contains("db.yaml: its MAC does not match its content").doesNotContain(VALUE);
    }
  }

  private static SyncOptions options(TestNamespace ns) {
    return SyncOptions.defaults("apps", ns.name(), ns.name()).withHealthTimeout(Duration.ZERO);
  }

  /**
   * Syncs {@link #SECRET}, then {@link #REFUSED} (each through {@code encode}), then each of {@code rejected};
   * returns every result and log line of those syncs.
   */
  private String appliedThenRefused(KubernetesClient client, TestNamespace ns, SyncOptions options,
      UnaryOperator<String> encode, List<String> rejected) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    RepoTree tree = new RepoTree(repo).write("db.yaml", encode.apply(SECRET));
    List<SyncResult> results = new ArrayList<>();
    try (Synchronizer sync = new Synchronizer(new ResourceManager(client, Clock.systemUTC()),
        options, Clock.systemUTC(), c -> { })) {
      SyncResult applied = sync.sync(tree.snapshot());
      results.add(applied);
      assertThat(applied.outcome()).isEqualTo(SyncResult.Outcome.APPLIED);
      String live = client.secrets().inNamespace(ns.name()).withName("db").get().getData().get("password");
      assertThat(new String(Base64.getDecoder().decode(live), StandardCharsets.UTF_8)).isEqualTo(VALUE);

      SyncResult refused = sync.sync(tree.write("db.yaml", encode.apply(REFUSED)).snapshot());
      results.add(refused);
      assertThat(refused.outcome()).isEqualTo(SyncResult.Outcome.REJECTED);
      assertThat(refused.objectErrors()).singleElement().satisfies(error ->
          assertThat(error.message()).contains("[redacted]"));

      for (String revision : rejected) {
        SyncResult result = sync.sync(tree.write("db.yaml", revision).snapshot());
        results.add(result);
        assertThat(result.outcome()).isEqualTo(SyncResult.Outcome.REJECTED);
      }
      return results.stream().map(SyncResult::toString).collect(Collectors.joining("\n")) + "\n"
          + logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
    } finally {
      root.detachAppender(logs);
    }
  }
}
