package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A Secret's data appears in no result, log line or error message, whether it applies or is refused. */
@ControlPlaneTest
class SecretSafetyIT {

  private static final String VALUE = "correct-horse-battery-staple";

  @TempDir Path repo;

  @Test
  void secretDataNeverAppearsInResultsOrLogs(KubernetesClient client, TestNamespace ns) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    RepoTree tree = new RepoTree(repo).write("db.yaml", """
        apiVersion: v1
        kind: Secret
        metadata:
          name: db
        stringData:
          password: %s
        """.formatted(VALUE));
    try (Synchronizer sync = new Synchronizer(client, SyncOptions.defaults("apps", ns.name(), ns.name())
        .withHealthTimeout(Duration.ZERO), Clock.systemUTC(), c -> { })) {
      SyncResult applied = sync.sync(tree.snapshot());
      // Then a revision the API server refuses: the Secret grows a key that is not a valid key name.
      tree.write("db.yaml", """
          apiVersion: v1
          kind: Secret
          metadata:
            name: db
          stringData:
            password: %1$s
            "bad key %1$s": %1$s
          """.formatted(VALUE));
      SyncResult refused = sync.sync(tree.snapshot());

      assertThat(applied.outcome()).isEqualTo(SyncResult.Outcome.APPLIED);
      assertThat(refused.outcome()).isEqualTo(SyncResult.Outcome.REJECTED);
      assertThat(refused.objectErrors()).singleElement().satisfies(error ->
          assertThat(error.message()).contains("[redacted]"));
      String everything = applied + "\n" + refused + "\n" + logs.list.stream()
          .map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
      assertThat(everything).doesNotContain(VALUE);
    } finally {
      root.detachAppender(logs);
    }
  }
}
