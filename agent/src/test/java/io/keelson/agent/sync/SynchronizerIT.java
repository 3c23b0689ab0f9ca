package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.keelson.agent.api.StatusView.RevisionView;
import io.keelson.agent.events.EventRecorder;
import io.keelson.agent.model.Ownership;
import io.keelson.agent.plan.Action;
import io.keelson.agent.plan.PruneOptions;
import io.keelson.agent.status.SourceViews;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import io.keelson.testkit.Waiter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync engine against a real kube-apiserver: apply, gate, prune, drift, health. */
@ControlPlaneTest
class SynchronizerIT {

  private static final String SOURCE = "apps";

  @TempDir Path repo;
  private Synchronizer synchronizer;
  private final List<DriftCorrection> corrections = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (synchronizer != null) {
      synchronizer.close();
    }
  }

  private Synchronizer synchronizer(KubernetesClient client, TestNamespace ns, Function<SyncOptions, SyncOptions> tune) {
    SyncOptions options = tune.apply(SyncOptions.defaults(SOURCE, ns.name(), ns.name())
        .withHealthTimeout(Duration.ZERO));
    synchronizer = new Synchronizer(new ResourceManager(client, Clock.systemUTC()),
        options, Clock.systemUTC(), corrections::add);
    return synchronizer;
  }

  static String configMap(String name, String colour) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: %s
        data:
          colour: %s
        """.formatted(name, colour);
  }

  static String deployment(String name, String extra) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %1$s
        spec:
        %2$s  selector:
            matchLabels: {app: %1$s}
          template:
            metadata:
              labels: {app: %1$s}
            spec:
              containers:
                - name: app
                  image: registry.example/%1$s:1.0
        """.formatted(name, extra);
  }

  @Test
  void appliesARevisionThenASecondSyncWritesNothing(KubernetesClient client, TestNamespace ns) {
    RepoTree tree = new RepoTree(repo).write("config/settings.yaml", configMap("settings", "blue"))
        .write("apps/cart.yaml", deployment("cart", "  replicas: 2\n"));
    Synchronizer sync = synchronizer(client, ns, o -> o);

    SyncResult first = sync.sync(tree.snapshot());

    assertThat(first.outcome()).isEqualTo(SyncResult.Outcome.APPLIED);
    assertThat(first.changes().summary()).isEqualTo("2 created");
    ConfigMap settings = client.configMaps().inNamespace(ns.name()).withName("settings").get();
    assertThat(settings.getData()).containsEntry("colour", "blue");
    assertThat(settings.getMetadata().getLabels()).containsEntry(Ownership.SOURCE_LABEL, SOURCE);
    assertThat(settings.getMetadata().getManagedFields()).extracting("manager").contains(Ownership.FIELD_MANAGER);
    Map<String, String> versionsBefore = resourceVersions(client, ns);

    SyncResult second = sync.sync(tree.snapshot());

    assertThat(second.changes().summary()).isEqualTo("2 unchanged");
    assertThat(second.changes().writes()).isZero();
    // The server's own record: no object, and not the inventory either, was written again.
    assertThat(resourceVersions(client, ns)).isEqualTo(versionsBefore);
  }

  @Test
  void aCrdAndItsCustomResourceApplyInOneRevision(KubernetesClient client, TestNamespace ns) {
    String group = ns.name().replace("-", "") + ".example.com";
    RepoTree tree = new RepoTree(repo).write("crd.yaml", """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gadgets.%1$s
        spec:
          group: %1$s
          scope: Namespaced
          names: {kind: Gadget, plural: gadgets, singular: gadget}
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  properties:
                    spec:
                      type: object
                      properties:
                        size: {type: integer}
        """.formatted(group)).write("gadget.yaml", """
        apiVersion: %s/v1
        kind: Gadget
        metadata:
          name: g1
        spec:
          size: 3
        """.formatted(group));

    SyncResult result = synchronizer(client, ns, o -> o.withPrune(PruneOptions.defaults().withAllowCrdDeletion(true)))
        .sync(tree.snapshot());

    assertThat(result.outcome()).isEqualTo(SyncResult.Outcome.APPLIED);
    assertThat(result.changes().refs(Action.CREATED)).extracting(r -> r.kind()).containsExactly(
        "CustomResourceDefinition", "Gadget");
    GenericKubernetesResource gadget = client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
        .withGroup(group).withVersion("v1").withKind("Gadget").withPlural("gadgets").withNamespaced(true).build())
        .inNamespace(ns.name()).withName("g1").get();
    assertThat(gadget.<Integer>get("spec", "size")).isEqualTo(3);
    client.apiextensions().v1().customResourceDefinitions().withName("gadgets." + group).delete();
  }

  @Test
  void aNamespaceAndObjectsInsideItApplyInOneRevision(KubernetesClient client, TestNamespace ns) {
    String created = ns.name() + "-new";
    RepoTree tree = new RepoTree(repo).write("ns.yaml", """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %s
        """.formatted(created)).write("cm.yaml", configMap("inside", "green").replace(
        "name: inside", "name: inside\n  namespace: " + created));

    SyncResult result = synchronizer(client, ns, o -> o).sync(tree.snapshot());

    assertThat(result.outcome()).isEqualTo(SyncResult.Outcome.APPLIED);
    assertThat(client.configMaps().inNamespace(created).withName("inside").get().getData())
        .containsEntry("colour", "green");
  }

  @Test
  void aRevisionWithOneInvalidObjectWritesNothingAndTheNextFixingRevisionApplies(KubernetesClient client,
      TestNamespace ns) {
    RepoTree tree = new RepoTree(repo).write("settings.yaml", configMap("settings", "blue"));
    Synchronizer sync = synchronizer(client, ns, o -> o);
    sync.sync(tree.snapshot());

    // A new colour and a Deployment the API server refuses (its selector does not match its labels).
    tree.write("settings.yaml", configMap("settings", "red"))
        .write("broken.yaml", deployment("broken", "").replace("labels: {app: broken}", "labels: {app: other}"))
        .write("extra.yaml", configMap("extra", "green"));
    SyncResult rejected = sync.sync(tree.snapshot());

    assertThat(rejected.outcome()).isEqualTo(SyncResult.Outcome.REJECTED);
    assertThat(rejected.changes().writes()).isZero();
    assertThat(rejected.objectErrors()).singleElement().satisfies(error -> {
      assertThat(error.ref().name()).isEqualTo("broken");
      assertThat(error.origin().file()).isEqualTo("broken.yaml");
      assertThat(error.message()).contains("selector");
    });
    assertThat(rejected.notConverged()).contains("Deployment " + ns.name() + "/broken").contains("broken.yaml");
    assertThat(client.configMaps().inNamespace(ns.name()).withName("settings").get().getData())
        .containsEntry("colour", "blue");
    assertThat(client.configMaps().inNamespace(ns.name()).withName("extra").get()).isNull();

    tree.delete("broken.yaml");
    SyncResult fixed = sync.sync(tree.snapshot());

    assertThat(fixed.outcome()).isEqualTo(SyncResult.Outcome.APPLIED);
    assertThat(client.configMaps().inNamespace(ns.name()).withName("settings").get().getData())
        .containsEntry("colour", "red");
    assertThat(client.configMaps().inNamespace(ns.name()).withName("extra").get()).isNotNull();
  }

  @Test
  void aRenderErrorRejectsTheRevisionWithFileAndLineAndPrunesNothing(KubernetesClient client, TestNamespace ns) {
    RepoTree tree = new RepoTree(repo).write("a.yaml", configMap("a", "blue")).write("b.yaml", configMap("b", "blue"));
    Synchronizer sync = synchronizer(client, ns, o -> o);
    sync.sync(tree.snapshot());

    tree.delete("b.yaml").write("a.yaml", configMap("a", "blue") + "---\napiVersion: v1\nkind: ConfigMap\n");
    SyncResult rejected = sync.sync(tree.snapshot());

    assertThat(rejected.outcome()).isEqualTo(SyncResult.Outcome.REJECTED);
    assertThat(rejected.renderErrors()).singleElement().satisfies(error -> {
      assertThat(error.origin().file()).isEqualTo("a.yaml");
      assertThat(error.origin().document()).isEqualTo(2);
      assertThat(error.origin().line()).isEqualTo(8);
    });
    assertThat(client.configMaps().inNamespace(ns.name()).withName("b").get()).as("not pruned").isNotNull();
  }

  @Test
  void aRemovedObjectIsPrunedButOneWithoutTheOwnershipLabelIsNot(KubernetesClient client, TestNamespace ns) {
    RepoTree tree = new RepoTree(repo).write("a.yaml", configMap("a", "blue")).write("b.yaml", configMap("b", "blue"))
        .write("c.yaml", configMap("c", "blue"));
    Synchronizer sync = synchronizer(client, ns, o -> o.withPrune(PruneOptions.defaults().withAllowMassPrune(true)));
    sync.sync(tree.snapshot());
    // Someone takes "c" over: without Keelson's label it is no longer Keelson's to delete.
    client.configMaps().inNamespace(ns.name()).withName("c").edit(cm -> {
      cm.getMetadata().getLabels().remove(Ownership.SOURCE_LABEL);
      return cm;
    });

    SyncResult result = sync.sync(tree.delete("b.yaml").delete("c.yaml").snapshot());

    assertThat(result.changes().with(Action.DELETED)).singleElement().satisfies(change -> {
      assertThat(change.ref().name()).isEqualTo("b");
      assertThat(change.reason()).isEqualTo("removed from Git");
    });
    assertThat(result.changes().with(Action.SKIPPED)).extracting(c -> c.ref().name()).containsExactly("c");
    assertThat(client.configMaps().inNamespace(ns.name()).withName("b").get()).isNull();
    assertThat(client.configMaps().inNamespace(ns.name()).withName("c").get()).isNotNull();
  }

  /** A refused mass prune is no success: a Warning Event says so, and the source is NotConverged. */
  @Test
  void aMassPruneIsRefusedAndTheInventoryKeepsEveryObject(KubernetesClient client, TestNamespace ns) {
    RepoTree tree = new RepoTree(repo);
    for (int i = 0; i < 12; i++) {
      tree.write("cm" + i + ".yaml", configMap("cm" + i, "blue"));
    }
    Synchronizer sync = synchronizer(client, ns, o -> o);
    sync.sync(tree.snapshot());
    for (int i = 1; i < 12; i++) {
      tree.delete("cm" + i + ".yaml");
    }

    SyncResult refused = sync.sync(tree.snapshot());

    assertThat(refused.pruneRefusal()).hasValueSatisfying(reason -> assertThat(reason).contains("11 of 12"));
    assertThat(refused.notConverged()).startsWith("prune refused");
    assertThat(client.configMaps().inNamespace(ns.name()).list().getItems()).hasSizeGreaterThanOrEqualTo(12);
    assertThat(new InventoryStore(new ResourceManager(client, Clock.systemUTC()),
        ns.name()).read(SOURCE).orElseThrow().size()).isEqualTo(12);
    assertThat(SourceViews.synced(SourceViews.initial(SOURCE, "https://git.example.com/config.git", "main",
        List.of(".")), refused, new RevisionView(refused.revision(), "Ana", "commit", refused.finishedAt())).state())
        .isEqualTo("NotConverged");
    new EventRecorder(client, ns.name(), "test", Clock.systemUTC()).synced(refused);
    assertThat(client.events().v1().events().inNamespace(ns.name()).list().getItems()).anySatisfy(event -> {
      assertThat(event.getType()).isEqualTo("Warning");
      assertThat(event.getReason()).isEqualTo("PruneRefused");
      assertThat(event.getNote()).contains("prune.allowMassPrune");
    });
  }

  @Test
  void aKubectlEditOfAManagedFieldIsRevertedWithinSeconds(ControlPlane plane, KubernetesClient client,
      TestNamespace ns) throws Exception {
    RepoTree tree = new RepoTree(repo).write("settings.yaml", configMap("settings", "blue"));
    synchronizer(client, ns, o -> o).sync(tree.snapshot());

    kubectl(plane, "-n", ns.name(), "patch", "configmap", "settings", "--type=merge",
        "-p", "{\"data\":{\"colour\":\"purple\"}}");

    awaitColour(client, ns, "settings", "blue", Duration.ofSeconds(10));
    DriftCorrection correction = corrections.stream().filter(c -> c.ref().name().equals("settings")).findFirst()
        .orElseThrow();
    assertThat(correction.changedBy()).isEqualTo("kubectl-patch");
    assertThat(correction.fields()).contains("data.colour");
    assertThat(correction.action()).isEqualTo(Action.CONFIGURED);
  }

  /**
   * A namespaced installation: the agent's identity has a Role in its namespace and no cluster-wide rights
   * (as the Helm chart's {@code rbac.namespaced} grants). Sync and drift correction still work, because the
   * drift watcher lists and watches in the allowed namespaces only.
   */
  @Test
  void withOnlyANamespacedRoleTheAgentSyncsAndCorrectsDrift(ControlPlane plane, KubernetesClient admin,
      TestNamespace ns) throws Exception {
    String user = "tenant-agent-" + ns.name();
    admin.rbac().roles().inNamespace(ns.name()).resource(new RoleBuilder().withNewMetadata().withName("agent")
        .endMetadata().addNewRule().withApiGroups("*").withResources("*").withVerbs("*").endRule().build()).create();
    admin.rbac().roleBindings().inNamespace(ns.name()).resource(new RoleBindingBuilder().withNewMetadata()
        .withName("agent").endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "agent")
        .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(user).endSubject()
        .build()).create();
    Config tenant = Config.fromKubeconfig(plane.kubeconfig());
    tenant.setImpersonateUsername(user);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(tenant).build()) {
      assertThat(client.configMaps().inAnyNamespace().list().getItems()).as("no cluster-wide list").isEmpty();
    } catch (KubernetesClientException forbidden) {
      assertThat(forbidden.getCode()).isEqualTo(403);
    }
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(tenant).build()) {
      RepoTree tree = new RepoTree(repo).write("settings.yaml", configMap("settings", "blue"));
      SyncResult result = synchronizer(client, ns, o -> o.withAllowedNamespaces(Set.of(ns.name())))
          .sync(tree.snapshot());
      assertThat(result.outcome()).isEqualTo(SyncResult.Outcome.APPLIED);

      kubectl(plane, "-n", ns.name(), "patch", "configmap", "settings", "--type=merge",
          "-p", "{\"data\":{\"colour\":\"purple\"}}");

      awaitColour(admin, ns, "settings", "blue", Duration.ofSeconds(10));
      synchronizer.close();
      synchronizer = null;
    }
  }

  @Test
  void itsOwnAppliesAreNeverTakenForDrift(ControlPlane plane, KubernetesClient client, TestNamespace ns)
      throws Exception {
    RepoTree tree = new RepoTree(repo).write("barrier.yaml", configMap("barrier", "blue"));
    Synchronizer sync = synchronizer(client, ns, o -> o);
    for (String colour : List.of("blue", "green", "red", "yellow", "purple")) {
      sync.sync(tree.write("settings.yaml", configMap("settings", colour)).snapshot());
    }

    // ConfigMap events reach the watcher in order and are corrected one at a time: once an edit made after
    // the syncs is put back, any correction the syncs' own writes could have caused has happened.
    kubectl(plane, "-n", ns.name(), "patch", "configmap", "barrier", "--type=merge",
        "-p", "{\"data\":{\"colour\":\"purple\"}}");
    awaitCorrection("barrier");

    assertThat(corrections).extracting(c -> c.ref().name()).containsExactly("barrier");
    assertThat(client.configMaps().inNamespace(ns.name()).withName("settings").get().getData())
        .containsEntry("colour", "purple");
  }

  @Test
  void driftIsCorrectedWhileASyncWaitsForHealth(ControlPlane plane, KubernetesClient client, TestNamespace ns)
      throws Exception {
    RepoTree tree = new RepoTree(repo).write("settings.yaml", configMap("settings", "blue"));
    Synchronizer sync = synchronizer(client, ns, o -> o.withHealthTimeout(Duration.ofSeconds(20)));
    sync.sync(tree.snapshot());
    // A Deployment that never becomes ready here keeps the next sync waiting for health.
    tree.write("cart.yaml", deployment("cart", "  replicas: 1\n"));
    java.util.concurrent.CompletableFuture<SyncResult> waiting =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> sync.sync(tree.snapshot()));
    // Written, so the sync is past its apply and (until the health timeout) waiting for it to be ready.
    Waiter.await("the Deployment written", Duration.ofSeconds(20), Duration.ofMillis(50),
        () -> client.apps().deployments().inNamespace(ns.name()).withName("cart").get(), () -> null);

    kubectl(plane, "-n", ns.name(), "patch", "configmap", "settings", "--type=merge",
        "-p", "{\"data\":{\"colour\":\"purple\"}}");

    awaitColour(client, ns, "settings", "blue", Duration.ofSeconds(5));
    assertThat(waiting).as("the sync is still waiting for health").isNotDone();
    waiting.cancel(true);
  }

  @Test
  void aDeletedManagedObjectIsRecreated(KubernetesClient client, TestNamespace ns) {
    RepoTree tree = new RepoTree(repo).write("settings.yaml", configMap("settings", "blue"));
    synchronizer(client, ns, o -> o).sync(tree.snapshot());

    client.configMaps().inNamespace(ns.name()).withName("settings").delete();

    awaitColour(client, ns, "settings", "blue", Duration.ofSeconds(10));
  }

  @Test
  void replicasChangedByAnotherManagerAreLeftAloneWhenGitOmitsThem(ControlPlane plane, KubernetesClient client,
      TestNamespace ns) throws Exception {
    RepoTree tree = new RepoTree(repo).write("cart.yaml", deployment("cart", ""))
        .write("barrier.yaml", deployment("barrier", ""));
    Synchronizer sync = synchronizer(client, ns, o -> o);
    sync.sync(tree.snapshot());

    kubectl(plane, "-n", ns.name(), "scale", "deployment", "cart", "--replicas=4");
    // Deployment events are corrected in order: once this later edit of a Git field is put back, a wrong
    // correction of the scale would have happened.
    kubectl(plane, "-n", ns.name(), "set", "image", "deployment/barrier", "app=registry.example/barrier:2.0");
    awaitCorrection("barrier");
    SyncResult resync = sync.sync(tree.snapshot());

    assertThat(client.apps().deployments().inNamespace(ns.name()).withName("cart").get().getSpec().getReplicas())
        .isEqualTo(4);
    assertThat(resync.changes().summary()).isEqualTo("2 unchanged");
    assertThat(corrections).extracting(c -> c.ref().name()).containsExactly("barrier");
  }

  @Test
  void healthNamesTheFirstBlockingObject(KubernetesClient client, TestNamespace ns) {
    // No controller runs in this control plane, so the Deployment can never become available.
    RepoTree tree = new RepoTree(repo).write("cart.yaml", deployment("cart", "  replicas: 3\n"));

    SyncResult result = synchronizer(client, ns, o -> o.withHealthTimeout(Duration.ofSeconds(2)))
        .sync(tree.snapshot());

    assertThat(result.outcome()).isEqualTo(SyncResult.Outcome.APPLIED);
    assertThat(result.converged()).isFalse();
    assertThat(result.notConverged()).startsWith("Deployment " + ns.name() + "/cart: 0/3 available");
  }

  @Test
  void reconcileDisabledLeavesAnObjectAlone(KubernetesClient client, TestNamespace ns) {
    RepoTree tree = new RepoTree(repo).write("settings.yaml", configMap("settings", "blue"));
    Synchronizer sync = synchronizer(client, ns, o -> o);
    sync.sync(tree.snapshot());
    client.configMaps().inNamespace(ns.name()).withName("settings").edit(cm -> {
      cm.getMetadata().getAnnotations().put(Ownership.RECONCILE_ANNOTATION, "disabled");
      cm.getData().put("colour", "hand-tuned");
      return cm;
    });

    SyncResult result = sync.sync(tree.snapshot());

    assertThat(result.changes().with(Action.SKIPPED)).extracting(c -> c.ref().name()).containsExactly("settings");
    assertThat(client.configMaps().inNamespace(ns.name()).withName("settings").get().getData())
        .containsEntry("colour", "hand-tuned");
  }

  private static void awaitColour(KubernetesClient client, TestNamespace ns, String name, String colour,
      Duration timeout) {
    Waiter.await(name + " back to colour " + colour, timeout, Duration.ofMillis(100), () -> {
      ConfigMap map = client.configMaps().inNamespace(ns.name()).withName(name).get();
      return map != null && colour.equals(map.getData().get("colour")) ? map : null;
    }, () -> null);
  }

  private void awaitCorrection(String name) {
    Waiter.await("a drift correction of " + name, Duration.ofSeconds(20), Duration.ofMillis(50),
        () -> corrections.stream().filter(c -> c.ref().name().equals(name)).findFirst().orElse(null), () -> null);
  }

  private static Map<String, String> resourceVersions(KubernetesClient client, TestNamespace ns) {
    List<HasMetadata> objects = new java.util.ArrayList<>(client.configMaps().inNamespace(ns.name()).list().getItems());
    objects.addAll(client.apps().deployments().inNamespace(ns.name()).list().getItems());
    return objects.stream().collect(Collectors.toMap(o -> o.getKind() + "/" + o.getMetadata().getName(),
        o -> o.getMetadata().getResourceVersion()));
  }

  static void kubectl(ControlPlane plane, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(plane.binaries().kubectl().toString(),
        "--kubeconfig", plane.kubeconfigFile().toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as("kubectl %s: %s", String.join(" ", args), output).isZero();
  }
}
