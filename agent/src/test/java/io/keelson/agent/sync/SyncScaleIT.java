package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thousands of objects: the first sync creates them all, and a resync of the same revision sends no write
 * and no request per object — counted on the wire, not taken from Keelson's own report. Prints its figures;
 * it asserts on requests and writes, never on time (speed is the benchmark's business).
 */
@ControlPlaneTest
class SyncScaleIT {

  /** Discovery, the inventory read and the like: a fixed cost per sync, whatever the number of objects. */
  private static final int FIXED_REQUESTS = 50;

  @TempDir Path repo;

  @ParameterizedTest(name = "{0} objects")
  @ValueSource(ints = {1000, 5000})
  void aNoOpResyncSendsNoWriteAndNoRequestPerObject(int objects, ControlPlane plane, TestNamespace ns) {
    RepoTree tree = new RepoTree(repo);
    for (int i = 0; i < objects; i++) {
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
        Synchronizer sync = new Synchronizer(new ResourceManager(client, Clock.systemUTC()),
            SyncOptions.defaults("scale", ns.name(), ns.name())
            .withHealthTimeout(Duration.ZERO), Clock.systemUTC(), c -> { })) {
      Snapshot snapshot = tree.snapshot();

      Measured first = Measured.of(counter, () -> sync.sync(snapshot));
      Measured second = Measured.of(counter, () -> sync.sync(snapshot));
      Measured noOp = Measured.of(counter, () -> sync.sync(snapshot));

      System.out.printf("sync of %d objects: first %s; second %s; third (no-op) %s%n", objects, first, second,
          noOp);
      assertThat(first.result().changes().summary()).isEqualTo(objects + " created");
      assertThat(first.writes()).isGreaterThanOrEqualTo(objects);
      // A new object costs its dry run and its apply; the dry run says it is new, so it is never read.
      assertThat(first.requests()).isLessThan(2 * objects + FIXED_REQUESTS);
      // The drift watcher's informer lists them in pages: no answer holds every object at once.
      assertThat(first.unpagedLists()).isZero();
      assertThat(first.lists()).isGreaterThanOrEqualTo((int) (objects / ResourceManager.LIST_PAGE));
      assertThat(noOp.result().changes().summary()).isEqualTo(objects + " unchanged");
      assertThat(noOp.writes()).isZero();
      assertThat(noOp.dryRuns()).isZero();
      assertThat(noOp.requests()).isLessThan(FIXED_REQUESTS);
    }
  }

  /** One sync's figures, as the wire saw them. */
  record Measured(SyncResult result, long millis, int requests, int dryRuns, int writes, int lists,
      int unpagedLists) {

    static Measured of(RequestCounter counter, java.util.function.Supplier<SyncResult> sync) {
      counter.reset();
      long start = System.nanoTime();
      SyncResult result = sync.get();
      return new Measured(result, (System.nanoTime() - start) / 1_000_000, counter.requests(), counter.dryRuns(),
          counter.writes(), counter.lists(), counter.unpagedLists());
    }

    @Override
    public String toString() {
      return "%d ms (%d requests, %d dry runs, %d writes, %d list pages)".formatted(millis, requests, dryRuns,
          writes, lists);
    }
  }
}
