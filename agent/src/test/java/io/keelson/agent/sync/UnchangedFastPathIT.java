package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.agent.model.Ownership;
import io.keelson.agent.plan.Action;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import io.keelson.testkit.Waiter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resync skips the read and dry run of objects exactly as the agent last left them — and nothing else:
 * every change by anyone, in Git or in the cluster, still takes the full path and is put right.
 */
@ControlPlaneTest
class UnchangedFastPathIT {

  private static final String SOURCE = "fast";
  private static final int OBJECTS = 20;

  @TempDir Path repo;
  private final RequestCounter counter = new RequestCounter();
  private final List<DriftCorrection> corrections = new CopyOnWriteArrayList<>();
  private final List<Synchronizer> started = new CopyOnWriteArrayList<>();
  private KubernetesClient client;
  private RepoTree tree;
  private String namespace;

  @BeforeEach
  void start(ControlPlane plane, TestNamespace ns) {
    namespace = ns.name();
    client = RequestCounter.client(plane.kubeconfig(), counter);
    tree = new RepoTree(repo);
    for (int i = 0; i < OBJECTS; i++) {
      tree.write("cm-" + i + ".yaml", SynchronizerIT.configMap("cm-" + i, "blue"));
    }
  }

  @AfterEach
  void stop() {
    started.forEach(Synchronizer::close);
    client.close();
  }

  private Synchronizer synchronizer(TestNamespace ns) {
    Synchronizer sync = new Synchronizer(new ResourceManager(client, Clock.systemUTC()),
        SyncOptions.defaults(SOURCE, ns.name(), ns.name())
        .withHealthTimeout(Duration.ZERO), Clock.systemUTC(), corrections::add);
    started.add(sync);
    return sync;
  }

  /** Synced, and a no-op resync already answered from memory and the cache. */
  private Synchronizer settled(TestNamespace ns) {
    Synchronizer sync = synchronizer(ns);
    sync.sync(tree.snapshot());
    SyncScaleIT.Measured resync = SyncScaleIT.Measured.of(counter, () -> sync.sync(tree.snapshot()));
    assertThat(resync.result().changes().summary()).isEqualTo(OBJECTS + " unchanged");
    assertThat(resync.dryRuns()).as("dry runs of a no-op resync").isZero();
    assertThat(resync.writes()).isZero();
    return sync;
  }

  @Test
  void aKubectlEditAfterANoOpResyncIsPutBack(ControlPlane plane, TestNamespace ns) throws Exception {
    Synchronizer sync = settled(ns);

    SynchronizerIT.kubectl(plane, "-n", ns.name(), "patch", "configmap", "cm-3", "--type=merge",
        "-p", "{\"data\":{\"colour\":\"purple\"}}");

    // Whichever comes first puts it back: the drift watcher, or a sync that sees the new resourceVersion.
    List<SyncResult> results = syncUntil(sync, r -> colour("cm-3").equals("blue"));
    boolean bySync = results.stream().anyMatch(r -> r.changes().refs(Action.CONFIGURED).stream()
        .anyMatch(ref -> ref.name().equals("cm-3")));
    boolean byDriftWatcher = corrections.stream().anyMatch(c -> c.ref().name().equals("cm-3"));
    assertThat(bySync || byDriftWatcher).as("corrected by a sync or by the drift watcher").isTrue();
    assertQuietResync(sync);
  }

  @Test
  void anObjectTakenOutOfTheWatchIsPutBackByTheNextSync(TestNamespace ns) {
    Synchronizer sync = settled(ns);
    // Without its source label the object leaves the drift watcher's cache, and the watcher leaves it alone.
    client.configMaps().inNamespace(ns.name()).withName("cm-4").edit(cm -> {
      cm.getMetadata().getLabels().remove(Ownership.SOURCE_LABEL);
      cm.getData().put("colour", "hand-made");
      return cm;
    });

    List<SyncResult> results = syncUntil(sync, r -> r.changes().refs(Action.CONFIGURED).stream()
        .anyMatch(ref -> ref.name().equals("cm-4")));

    assertThat(results.get(results.size() - 1).changes().summary()).isEqualTo("1 configured, 19 unchanged");
    assertThat(colour("cm-4")).isEqualTo("blue");
    assertThat(client.configMaps().inNamespace(ns.name()).withName("cm-4").get().getMetadata().getLabels())
        .containsEntry(Ownership.SOURCE_LABEL, SOURCE);
    assertQuietResync(sync);
  }

  @Test
  void aWriteByAnotherManagerIsCheckedInFullEvenWhenNothingDiffers(TestNamespace ns) {
    Synchronizer sync = settled(ns);
    // Another manager applies the very same value: a new resourceVersion, no difference to correct.
    client.resource(new ConfigMapBuilder().withNewMetadata().withName("cm-5").withNamespace(ns.name()).endMetadata()
        .addToData("colour", "blue").build()).fieldManager("another-tool").forceConflicts().serverSideApply();

    List<SyncScaleIT.Measured> resyncs = new java.util.ArrayList<>();
    waitUntil(() -> {
      resyncs.add(SyncScaleIT.Measured.of(counter, () -> sync.sync(tree.snapshot())));
      return resyncs.get(resyncs.size() - 1).dryRuns() == 1;
    });

    SyncScaleIT.Measured checked = resyncs.get(resyncs.size() - 1);
    assertThat(checked.result().changes().summary()).isEqualTo(OBJECTS + " unchanged");
    assertThat(checked.writes()).isZero();
    assertQuietResync(sync);
  }

  @Test
  void aChangeInGitIsAppliedAndOnlyItIsChecked(TestNamespace ns) {
    Synchronizer sync = settled(ns);

    tree.write("cm-6.yaml", SynchronizerIT.configMap("cm-6", "green"));
    SyncScaleIT.Measured changed = SyncScaleIT.Measured.of(counter, () -> sync.sync(tree.snapshot()));

    assertThat(changed.result().changes().summary()).isEqualTo("1 configured, 19 unchanged");
    assertThat(changed.writes()).isEqualTo(1);
    // Its own dry run, and perhaps the drift watcher's look at the sync's own write; never the other 19.
    assertThat(changed.dryRuns()).isBetween(1, 2);
    assertThat(colour("cm-6")).isEqualTo("green");
    assertQuietResync(sync);
  }

  @Test
  void aDeletedObjectIsRecreated(TestNamespace ns) {
    Synchronizer sync = settled(ns);

    client.configMaps().inNamespace(ns.name()).withName("cm-7").delete();

    syncUntil(sync, r -> client.configMaps().inNamespace(ns.name()).withName("cm-7").get() != null);
    assertThat(colour("cm-7")).isEqualTo("blue");
    assertQuietResync(sync);
  }

  @Test
  void aRestartedAgentChecksEverythingInFullOnce(TestNamespace ns) {
    settled(ns).close();

    Synchronizer restarted = synchronizer(ns);
    SyncScaleIT.Measured first = SyncScaleIT.Measured.of(counter, () -> restarted.sync(tree.snapshot()));

    assertThat(first.result().changes().summary()).isEqualTo(OBJECTS + " unchanged");
    assertThat(first.dryRuns()).isEqualTo(OBJECTS);
    assertThat(first.writes()).isZero();
    assertQuietResync(restarted);
  }

  @Test
  void aReplicaThatLeadsAgainChecksEverythingInFullOnce(TestNamespace ns) {
    Synchronizer sync = settled(ns);

    sync.stopWatching(); // leadership lost: nothing watched, others may write
    SyncScaleIT.Measured first = SyncScaleIT.Measured.of(counter, () -> sync.sync(tree.snapshot()));

    assertThat(first.dryRuns()).isEqualTo(OBJECTS);
    assertThat(first.writes()).isZero();
    assertQuietResync(sync);
  }

  /** Once things settle, a resync is answered without a dry run or a write again. */
  private void assertQuietResync(Synchronizer sync) {
    waitUntil(() -> {
      SyncScaleIT.Measured resync = SyncScaleIT.Measured.of(counter, () -> sync.sync(tree.snapshot()));
      return resync.dryRuns() == 0 && resync.writes() == 0
          && resync.result().changes().summary().equals(OBJECTS + " unchanged");
    });
  }

  private List<SyncResult> syncUntil(Synchronizer sync, Predicate<SyncResult> done) {
    List<SyncResult> results = new java.util.ArrayList<>();
    waitUntil(() -> {
      results.add(sync.sync(tree.snapshot()));
      return done.test(results.get(results.size() - 1));
    });
    return results;
  }

  private String colour(String name) {
    ConfigMap map = client.configMaps().inNamespace(namespace).withName(name).get();
    return map == null ? "" : map.getData().get("colour");
  }

  /** Resyncs until {@code done}; the deadline is slack for a loaded machine, not a bound on the agent. */
  private static void waitUntil(java.util.function.BooleanSupplier done) {
    Waiter.await("the resyncs to settle", Duration.ofSeconds(30), Duration.ofMillis(100),
        () -> done.getAsBoolean() ? Boolean.TRUE : null, () -> null);
  }
}
