package io.keelson.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.agent.sync.ResourceManager;
import io.keelson.agent.sync.Snapshot;
import io.keelson.agent.sync.SyncOptions;
import io.keelson.agent.sync.SyncResult;
import io.keelson.agent.sync.Synchronizer;
import io.keelson.testkit.AuditLog;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keelson-agent diff}: what a sync of a working tree would change on a real API server — the diff of
 * each object, what would be created and pruned — and that it writes nothing.
 */
@ControlPlaneTest
class DiffCommandIT {

  private static final String SOURCE = "apps";

  @TempDir Path repo;
  private Synchronizer synchronizer;

  @AfterEach
  void stop() {
    if (synchronizer != null) {
      synchronizer.close();
    }
  }

  @Test
  void showsEachChangeAgainstTheLiveClusterAndWritesNothing(ControlPlane plane, KubernetesClient client,
      TestNamespace ns) throws IOException {
    // Given a source synced at one revision
    write("settings.yaml", configMap("settings", "colour: blue\n  size: large"));
    write("same.yaml", configMap("same", "colour: green"));
    write("old.yaml", configMap("old", "colour: red"));
    write("db.yaml", secret("sentinel-old-password", "sentinel-kept-user"));
    sync(client, ns, "1");

    // When a working tree changes one value, a Secret value, adds an object and removes one
    write("settings.yaml", configMap("settings", "colour: yellow\n  size: large"));
    write("db.yaml", secret("sentinel-new-password", "sentinel-kept-user"));
    write("fresh.yaml", configMap("fresh", "colour: white"));
    Files.delete(repo.resolve("old.yaml"));
    int writesBefore = writes(plane, ns).size();

    CommandRun run = diff(plane, ns);

    // Then the diff shows each change, masks Secret values, and exits 1
    assertThat(run.status()).as(run.err()).isEqualTo(1);
    String out = run.out();
    assertThat(out).contains("ConfigMap " + ns.name() + "/settings would be configured\n")
        .contains("--- live ConfigMap " + ns.name() + "/settings\n+++ synced ConfigMap " + ns.name() + "/settings\n")
        .contains("-  colour: blue\n+  colour: yellow\n")
        .contains("ConfigMap " + ns.name() + "/fresh would be created\n--- /dev/null\n")
        .contains("+  colour: white\n")
        .contains("ConfigMap " + ns.name() + "/old would be pruned (removed from Git)\n")
        .contains("-  colour: red\n")
        .contains("Secret " + ns.name() + "/db would be configured\n")
        .contains("-  password: '***** (before)'\n+  password: '***** (after)'\n")
        .doesNotContain("ConfigMap " + ns.name() + "/same would")
        .endsWith("1 would be created, 2 would be configured, 1 unchanged, 1 would be pruned\n");
    assertThat(out).doesNotContain("sentinel").doesNotContain("managedFields").doesNotContain("resourceVersion")
        .doesNotContain("creationTimestamp").doesNotContain("uid:");
    assertThat(run.err()).doesNotContain("sentinel");
    // Every request of the diff was a dry run: the API server recorded no other write.
    assertThat(writes(plane, ns)).hasSize(writesBefore);
    assertThat(plane.auditLog().writes().stream().filter(w -> w.namespace().equals(ns.name()))
        .filter(AuditLog.Write::dryRun)).isNotEmpty();

    // And once the tree is synced, the diff finds nothing and exits 0
    sync(client, ns, "2");
    CommandRun after = diff(plane, ns);
    assertThat(after.status()).as(after.err()).isZero();
    assertThat(after.out()).isEqualTo("4 unchanged\n");
  }

  @Test
  void anObjectTheApiServerRefusesIsAnErrorWithExitStatusTwo(ControlPlane plane, TestNamespace ns) throws IOException {
    write("cart.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: cart}
        spec:
          selector: {matchLabels: {app: cart}}
          template:
            metadata: {labels: {app: other}}
            spec: {containers: [{name: app, image: registry.example/cart:1.0}]}
        """);

    CommandRun run = diff(plane, ns);

    assertThat(run.status()).isEqualTo(2);
    List<String> lines = run.err().lines().toList();
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("Deployment " + ns.name() + "/cart (cart.yaml")
        .contains("selector"));
    assertThat(lines).last().isEqualTo("diff failed: the API server refused 1 object(s)");
  }

  @Test
  void aRenderErrorIsAnErrorWithExitStatusTwo(ControlPlane plane, TestNamespace ns) throws IOException {
    write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {a: b}}\n");

    CommandRun run = diff(plane, ns);

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err().lines().toList()).last().isEqualTo("diff failed: 1 error(s) in " + repo);
    assertThat(run.err()).doesNotContain("\tat ");
  }

  private CommandRun diff(ControlPlane plane, TestNamespace ns) {
    return CommandRun.of("diff", repo.toString(), "--source", SOURCE, "--namespace", ns.name(),
        "--agent-namespace", ns.name(), "--kubeconfig", plane.kubeconfigFile().toString());
  }

  private void sync(KubernetesClient client, TestNamespace ns, String revision) {
    if (synchronizer == null) {
      synchronizer = new Synchronizer(new ResourceManager(client, Clock.systemUTC()), SyncOptions.defaults(SOURCE, ns.name(), ns.name())
          .withHealthTimeout(Duration.ZERO), Clock.systemUTC(), correction -> { });
    }
    SyncResult result = synchronizer.sync(new Snapshot(revision.repeat(40), repo, List.of(".")));
    assertThat(result.outcome()).as(result.summary()).isEqualTo(SyncResult.Outcome.APPLIED);
  }

  private static List<AuditLog.Write> writes(ControlPlane plane, TestNamespace ns) {
    return plane.auditLog().writes().stream().filter(w -> w.namespace().equals(ns.name()) && !w.dryRun()).toList();
  }

  private void write(String file, String yaml) throws IOException {
    Files.writeString(repo.resolve(file), yaml);
  }

  private static String configMap(String name, String data) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: %s}
        data:
          %s
        """.formatted(name, data);
  }

  private static String secret(String password, String user) {
    return """
        apiVersion: v1
        kind: Secret
        metadata: {name: db}
        stringData: {password: %s, user: %s}
        """.formatted(password, user);
  }
}
