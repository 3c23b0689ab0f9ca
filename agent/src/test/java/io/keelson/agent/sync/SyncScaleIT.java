package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thousand objects: the first sync creates them all, and a resync of the same revision sends no write
 * at all — counted on the wire, not taken from Keelson's own report. Prints its figures; it asserts on
 * writes, never on time (speed is the benchmark's business).
 */
@ControlPlaneTest
class SyncScaleIT {

  private static final int OBJECTS = 1000;

  @TempDir Path repo;

  @Test
  void aNoOpResyncOfAThousandObjectsSendsNoWrite(ControlPlane plane, TestNamespace ns) {
    RepoTree tree = new RepoTree(repo);
    for (int i = 0; i < OBJECTS; i++) {
      tree.write("config/part-" + (i / 100) + "/cm-" + i + ".yaml", """
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: cm-%d
            labels: {app: scale}
          data:
            index: "%d"
            payload: "%s"
          """.formatted(i, i, "x".repeat(200)));
    }
    RequestCounter counter = new RequestCounter();
    try (KubernetesClient client = RequestCounter.client(plane.kubeconfig(), counter);
        Synchronizer sync = new Synchronizer(client, SyncOptions.defaults("scale", ns.name(), ns.name())
            .withHealthTimeout(Duration.ZERO), Clock.systemUTC(), c -> { })) {
      Snapshot snapshot = tree.snapshot();

      long start = System.nanoTime();
      SyncResult first = sync.sync(snapshot);
      long firstMillis = (System.nanoTime() - start) / 1_000_000;
      int firstRequests = counter.requests();
      int firstWrites = counter.writes();

      counter.reset();
      start = System.nanoTime();
      SyncResult noOp = sync.sync(snapshot);
      long noOpMillis = (System.nanoTime() - start) / 1_000_000;

      System.out.printf("sync of %d objects: first %d ms (%d requests, %d writes); no-op %d ms (%d requests,"
          + " %d dry runs, %d writes)%n", OBJECTS, firstMillis, firstRequests, firstWrites, noOpMillis,
          counter.requests(), counter.dryRuns(), counter.writes());
      assertThat(first.changes().summary()).isEqualTo(OBJECTS + " created");
      assertThat(firstWrites).isGreaterThanOrEqualTo(OBJECTS);
      assertThat(noOp.changes().summary()).isEqualTo(OBJECTS + " unchanged");
      assertThat(counter.writes()).isZero();
    }
  }
}
