package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.agent.api.StatusView.RevisionView;
import io.keelson.agent.api.StatusView.SourceView;
import io.keelson.agent.events.EventRecorder;
import io.keelson.agent.inventory.Inventory;
import io.keelson.agent.metrics.AgentMetrics;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.plan.Action;
import io.keelson.agent.plan.Change;
import io.keelson.agent.plan.PruneOptions;
import io.keelson.agent.status.SourceViews;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import io.keelson.testkit.Waiter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sync engine when the API server refuses or the world moves under it: a write refused after its dry run
 * passed, a CRD that cannot be written, a kind that disappears, a revision refused again and again, Events about
 * cluster-scoped objects. Against a real kube-apiserver, with its own admission deciding.
 */
@ControlPlaneTest
class SyncFaultsIT {

  private static final String SOURCE = "apps";

  @TempDir Path repo;
  private Synchronizer synchronizer;

  @AfterEach
  void stop() {
    if (synchronizer != null) {
      synchronizer.close();
    }
  }

  private Synchronizer synchronizer(KubernetesClient client, TestNamespace ns, Function<SyncOptions, SyncOptions> tune) {
    synchronizer = new Synchronizer(new ResourceManager(client, Clock.systemUTC()),
        tune.apply(SyncOptions.defaults(SOURCE, ns.name(), ns.name())
        .withHealthTimeout(Duration.ZERO)), Clock.systemUTC(), correction -> { });
    return synchronizer;
  }

  /**
   * A rename — the old object leaves Git, a new one arrives — whose new object's write is refused after its dry
   * run passed: the sync fails, nothing is pruned, the old object keeps serving and stays in the inventory, the
   * source is not Ready and its last success does not move; a Warning Event names the refused object with the API
   * server's message. The resync once the refusal is lifted applies and prunes.
   */
  @Test
  void aWriteRefusedAfterItsDryRunPassedFailsTheSyncAndPrunesNothing(KubernetesClient client, TestNamespace ns) {
    RepoTree tree = new RepoTree(repo).write("old.yaml", SynchronizerIT.configMap("old-name", "blue"))
        .write("settings.yaml", SynchronizerIT.configMap("settings", "blue"));
    Synchronizer sync = synchronizer(client, ns, o -> o.withPrune(PruneOptions.defaults().withAllowMassPrune(true)));
    SyncResult first = sync.sync(tree.snapshot());
    assertThat(first.outcome()).isEqualTo(SyncResult.Outcome.APPLIED);
    tree.delete("old.yaml").write("new.yaml", SynchronizerIT.configMap(WriteRefusal.PREFIX + "-new-name", "blue"))
        .write("settings.yaml", SynchronizerIT.configMap("settings", "red"));

    SyncResult failed = WriteRefusal.during(client, ns.name(), () -> sync.sync(tree.snapshot()));

    assertThat(failed.outcome()).isEqualTo(SyncResult.Outcome.FAILED);
    assertThat(failed.objectErrors()).as("the dry run passed").isEmpty();
    assertThat(failed.changes().with(Action.FAILED)).singleElement().satisfies(change -> {
      assertThat(change.ref().name()).isEqualTo(WriteRefusal.PREFIX + "-new-name");
      assertThat(change.reason()).contains(WriteRefusal.MESSAGE);
    });
    assertThat(failed.changes().with(Action.DELETED)).as("no prune").isEmpty();
    assertThat(client.configMaps().inNamespace(ns.name()).withName("old-name").get()).as("still serving").isNotNull();
    assertThat(client.configMaps().inNamespace(ns.name()).withName("settings").get().getData())
        .as("the rest of the revision was written").containsEntry("colour", "red");
    Inventory inventory = new InventoryStore(new ResourceManager(client, Clock.systemUTC()),
        ns.name()).read(SOURCE).orElseThrow();
    assertThat(inventory.objects()).extracting(ObjectRef::name).contains("old-name", "settings");
    assertThat(failed.notConverged()).contains(WriteRefusal.PREFIX + "-new-name").contains(WriteRefusal.MESSAGE);

    SourceView initial = SourceViews.initial(SOURCE, "https://git.example.com/config.git", "main", List.of("."));
    SourceView ready = SourceViews.synced(initial, first, revision(first));
    SourceView afterFailure = SourceViews.synced(ready, failed, revision(failed));
    assertThat(afterFailure.state()).isEqualTo("Failed");
    assertThat(afterFailure.applied().sha()).as("the applied revision does not move").isEqualTo(first.revision());
    assertThat(afterFailure.errors()).anySatisfy(error -> assertThat(error.message()).contains(WriteRefusal.MESSAGE));
    PrometheusRegistry registry = new PrometheusRegistry();
    AgentMetrics metrics = new AgentMetrics(registry);
    metrics.synced(first, first.changes().changes().size(), false);
    metrics.synced(failed, failed.changes().changes().size(), false);
    assertThat(lastSuccess(registry)).isEqualTo(first.finishedAt().toEpochMilli() / 1000.0);

    new EventRecorder(client, ns.name(), "test", Clock.systemUTC()).synced(failed);
    assertThat(events(client, ns.name(), WriteRefusal.PREFIX + "-new-name")).singleElement().satisfies(event -> {
      assertThat(event.getType()).isEqualTo("Warning");
      assertThat(event.getNote()).contains(WriteRefusal.MESSAGE);
    });
    assertThat(events(client, ns.name(), "keelson-status")).extracting(Event::getReason).containsExactly("SyncFailed");

    SyncResult retried = sync.sync(tree.again());

    assertThat(retried.outcome()).isEqualTo(SyncResult.Outcome.APPLIED);
    assertThat(retried.changes().refs(Action.DELETED)).extracting(ObjectRef::name).containsExactly("old-name");
    assertThat(client.configMaps().inNamespace(ns.name()).withName(WriteRefusal.PREFIX + "-new-name").get()).isNotNull();
  }

  /**
   * A CRD whose write is refused: the sync fails at once naming it, instead of waiting for it to become
   * Established; nothing of the second stage (which may need it) is written.
   */
  @Test
  void aCrdWhoseWriteFailedIsNotWaitedOn(KubernetesClient client, TestNamespace ns) {
    String group = ns.name().replace("-", "") + ".example.com";
    RepoTree tree = new RepoTree(repo).write("crd.yaml", crd(group, "Gadget", WriteRefusal.PREFIX + "gadget"))
        .write("settings.yaml", SynchronizerIT.configMap("settings", "blue"));

    Synchronizer sync = synchronizer(client, ns, o -> o);
    SyncResult result = WriteRefusal.during(client, ns.name(), () -> sync.sync(tree.snapshot()));

    assertThat(result.outcome()).isEqualTo(SyncResult.Outcome.FAILED);
    assertThat(result.changes().with(Action.FAILED)).singleElement().satisfies(change -> {
      assertThat(change.ref().kind()).isEqualTo("CustomResourceDefinition");
      assertThat(change.reason()).contains(WriteRefusal.MESSAGE);
    });
    assertThat(client.configMaps().inNamespace(ns.name()).withName("settings").get()).as("second stage").isNull();
  }

  /**
   * An inventory entry whose kind the API server no longer serves (its CRD was deleted) is not taken for a
   * deleted object: it stays in the inventory and the sync says why it was not pruned.
   */
  @Test
  void anInventoryEntryWhoseKindIsNotServedIsKeptAndReported(KubernetesClient client, TestNamespace ns) {
    String group = ns.name().replace("-", "") + ".example.com";
    String crd = "widgets." + group;
    client.resource(crd(group, "Widget", "widget")).create();
    Waiter.await("the API server to serve " + group, Duration.ofSeconds(30), Duration.ofMillis(200),
        () -> served(client, group) ? Boolean.TRUE : null, () -> null);
    RepoTree tree = new RepoTree(repo).write("widget.yaml", """
        apiVersion: %s/v1
        kind: Widget
        metadata:
          name: w1
        """.formatted(group)).write("settings.yaml", SynchronizerIT.configMap("settings", "blue"));
    Synchronizer sync = synchronizer(client, ns, o -> o.withPrune(PruneOptions.defaults().withAllowMassPrune(true)));
    assertThat(sync.sync(tree.snapshot()).outcome()).isEqualTo(SyncResult.Outcome.APPLIED);

    client.apiextensions().v1().customResourceDefinitions().withName(crd).delete();
    Waiter.await("the API server to stop serving " + group, Duration.ofSeconds(30), Duration.ofMillis(200),
        () -> served(client, group) ? null : Boolean.TRUE, () -> null);
    SyncResult result = sync.sync(tree.delete("widget.yaml").snapshot());

    assertThat(result.outcome()).isEqualTo(SyncResult.Outcome.APPLIED);
    assertThat(result.changes().with(Action.SKIPPED)).singleElement().satisfies(change -> {
      assertThat(change.ref().name()).isEqualTo("w1");
      assertThat(change.reason()).contains("does not serve " + group + "/v1 Widget");
    });
    assertThat(new InventoryStore(new ResourceManager(client, Clock.systemUTC()),
        ns.name()).read(SOURCE).orElseThrow().objects())
        .extracting(ObjectRef::name).contains("w1", "settings");
  }

  /**
   * A revision the API server refuses is not dry-run again on a resync of the same render: the verdict is
   * remembered and labelled with its reason, never "no objects". A new revision is checked at once.
   */
  @Test
  void aRefusedRevisionIsNotCheckedAgainUntilSomethingChanges(ControlPlane plane, TestNamespace ns) {
    RequestCounter counter = new RequestCounter();
    try (KubernetesClient counted = RequestCounter.client(plane.kubeconfig(), counter)) {
      RepoTree tree = new RepoTree(repo).write("settings.yaml", SynchronizerIT.configMap("settings", "blue"))
          // The API server refuses it: its selector does not match its template's labels.
          .write("broken.yaml", SynchronizerIT.deployment("broken", "").replace("labels: {app: broken}",
              "labels: {app: other}"));
      Synchronizer sync = synchronizer(counted, ns, o -> o);
      SyncResult refused = sync.sync(tree.snapshot());
      assertThat(refused.outcome()).isEqualTo(SyncResult.Outcome.REJECTED);
      assertThat(refused.summary()).startsWith("nothing written: revision rejected by the API server: Deployment "
          + ns.name() + "/broken");

      counter.reset();
      SyncResult again = sync.sync(tree.again());

      assertThat(again.outcome()).isEqualTo(SyncResult.Outcome.REJECTED);
      assertThat(again.objectErrors()).isEqualTo(refused.objectErrors());
      assertThat(again.summary()).contains("Deployment " + ns.name() + "/broken").contains("refused this render at").doesNotContain("no objects");
      assertThat(counter.dryRuns()).as("dry runs of the resync").isZero();
      assertThat(counter.writes()).isZero();

      SyncResult fixed = sync.sync(tree.delete("broken.yaml").snapshot());

      assertThat(fixed.outcome()).isEqualTo(SyncResult.Outcome.APPLIED);
      assertThat(counter.dryRuns()).as("a new revision is checked").isPositive();
    }
  }

  /** Events about a pruned ClusterRole are recorded where the API server takes them: in "default". */
  @Test
  void aPrunedClusterRoleGetsItsEvent(KubernetesClient client, TestNamespace ns) {
    String role = "keelson-test-" + ns.name();
    RepoTree tree = new RepoTree(repo).write("settings.yaml", SynchronizerIT.configMap("settings", "blue"))
        .write("role.yaml", """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: %s
            rules: []
            """.formatted(role));
    Synchronizer sync = synchronizer(client, ns, o -> o.withPrune(PruneOptions.defaults().withAllowMassPrune(true)));
    sync.sync(tree.snapshot());

    SyncResult pruned = sync.sync(tree.delete("role.yaml").snapshot());
    new EventRecorder(client, ns.name(), "test", Clock.systemUTC()).synced(pruned);

    assertThat(pruned.changes().with(Action.DELETED)).extracting(Change::ref).extracting(ObjectRef::name)
        .containsExactly(role);
    assertThat(client.rbac().clusterRoles().withName(role).get()).isNull();
    assertThat(events(client, "default", role)).singleElement().satisfies(event -> {
      assertThat(event.getReason()).isEqualTo("Pruned");
      assertThat(event.getRegarding().getKind()).isEqualTo(ClusterRole.class.getSimpleName());
    });
  }

  /** A namespaced CRD of any content, named {@code <singular>s.<group>}. */
  private static String crd(String group, String kind, String singular) {
    return """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: %3$ss.%1$s
        spec:
          group: %1$s
          scope: Namespaced
          names: {kind: %2$s, plural: %3$ss, singular: %3$s}
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
        """.formatted(group, kind, singular);
  }

  private static boolean served(KubernetesClient client, String group) {
    return client.getApiGroups().getGroups().stream().anyMatch(g -> g.getName().equals(group));
  }

  private static List<Event> events(KubernetesClient client, String namespace, String regarding) {
    return client.events().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> e.getRegarding() != null && regarding.equals(e.getRegarding().getName())).toList();
  }

  private static RevisionView revision(SyncResult result) {
    return new RevisionView(result.revision(), "Ana <ana@example.com>", "a commit", result.finishedAt());
  }

  private static double lastSuccess(PrometheusRegistry registry) {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getName().equals("keelson_last_successful_sync_timestamp_seconds"))
        .map(s -> ((GaugeSnapshot) s).getDataPoints().get(0).getValue()).findFirst().orElseThrow();
  }
}
