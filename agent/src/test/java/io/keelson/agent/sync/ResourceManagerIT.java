package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keelson.agent.health.HealthAssessor;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.model.Ownership;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import io.keelson.testkit.Waiter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What the sync engine relies on the API server for, pinned against a real one. */
@ControlPlaneTest
class ResourceManagerIT {

  private static GenericKubernetesResource configMap(String namespace, String colour) {
    return Serialization.unmarshal("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: %s}
        data: {colour: %s}
        """.formatted(namespace, colour), GenericKubernetesResource.class);
  }

  @Test
  void aDryRunSaysWhetherTheApplyWouldCreateTheObject(KubernetesClient client, TestNamespace ns) {
    ResourceManager manager = new ResourceManager(client, java.time.Clock.systemUTC());

    GenericKubernetesResource absent = manager.dryRunApply(configMap(ns.name(), "blue"));
    assertThat(ResourceManager.wouldCreate(absent)).isTrue();
    assertThat(manager.get(ObjectRef.of(absent))).isEmpty();

    manager.apply(configMap(ns.name(), "blue"));
    GenericKubernetesResource present = manager.dryRunApply(configMap(ns.name(), "green"));
    assertThat(ResourceManager.wouldCreate(present)).isFalse();
  }

  /** Prune checks an object, then deletes it: if it was replaced in between, the replacement is not deleted. */
  @Test
  void aDeleteCarriesTheUidOfTheObjectItChecked(KubernetesClient client, TestNamespace ns) {
    ResourceManager manager = new ResourceManager(client, java.time.Clock.systemUTC());
    GenericKubernetesResource checked = manager.apply(configMap(ns.name(), "blue"));
    ObjectRef ref = ObjectRef.of(checked);
    client.configMaps().inNamespace(ns.name()).withName("settings").delete(); // no finalizers: gone at once
    GenericKubernetesResource replacement = manager.apply(annotated(ns.name(), "green"));

    assertThat(manager.delete(ref, checked.getMetadata().getUid())).isEqualTo(ResourceManager.Deletion.REPLACED);
    assertThat(manager.get(ref)).hasValueSatisfying(live ->
        assertThat(live.getMetadata().getUid()).isEqualTo(replacement.getMetadata().getUid()));

    assertThat(manager.delete(ref, replacement.getMetadata().getUid())).isEqualTo(ResourceManager.Deletion.DELETED);
    assertThat(manager.delete(ref, replacement.getMetadata().getUid())).isEqualTo(ResourceManager.Deletion.ABSENT);
  }

  /**
   * The drift watcher's caches hold thousands of objects: each is kept as a projection (name, resourceVersion,
   * what health reads, a fingerprint of the rest), never whole, while an update event still carries the full new
   * object, so who changed it is known, and its fingerprint tells whether anything drift compares changed.
   */
  @Test
  void anInformersCacheHoldsProjectionsWhileItsEventsCarryTheWholeObject(KubernetesClient client,
      TestNamespace ns) {
    ResourceManager manager = new ResourceManager(client, java.time.Clock.systemUTC());
    GenericKubernetesResource applied = manager.apply(annotated(ns.name(), "blue"));
    assertThat(applied.getMetadata().getManagedFields()).isNotEmpty();
    List<GenericKubernetesResource[]> updates = new CopyOnWriteArrayList<>();

    SharedIndexInformer<GenericKubernetesResource> informer = manager.inform(
        manager.discovery().find("v1", "ConfigMap").orElseThrow(), ns.name(), Ownership.SOURCE_LABEL, "lean",
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource added) {}

          @Override
          public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
            updates.add(new GenericKubernetesResource[] {before, after});
          }

          @Override
          public void onDelete(GenericKubernetesResource deleted, boolean finalStateUnknown) {}
        });
    try {
      assertProjection(informer, applied, manager);

      GenericKubernetesResource edited = manager.apply(annotated(ns.name(), "green"));
      GenericKubernetesResource[] update = Waiter.await("the informer's update event", Duration.ofSeconds(20),
          Duration.ofMillis(50), () -> updates.isEmpty() ? null : updates.get(0), () -> null);
      assertThat(update[1].getMetadata().getManagedFields()).as("managedFields of the event's new object")
          .isNotEmpty();
      assertThat(LeanStore.fingerprint(update[0], manager)).as("the old projection's fingerprint")
          .isEqualTo(LeanStore.fingerprint(applied, manager))
          .isNotEqualTo(LeanStore.fingerprint(update[1], manager));
      assertProjection(informer, edited, manager);
    } finally {
      informer.close();
    }
  }

  /** A Deployment's projection keeps what health reads (replicas, generation, status), not its pod template. */
  @Test
  void aCachedWorkloadIsAssessedAsTheWholeObject(KubernetesClient client, TestNamespace ns) {
    ResourceManager manager = new ResourceManager(client, java.time.Clock.systemUTC());
    GenericKubernetesResource applied = manager.apply(Serialization.unmarshal("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: cart, namespace: %s, labels: {%s: lean}}
        spec:
          replicas: 2
          selector: {matchLabels: {app: cart}}
          template:
            metadata: {labels: {app: cart}}
            spec: {containers: [{name: cart, image: registry.invalid/cart:1}]}
        """.formatted(ns.name(), Ownership.SOURCE_LABEL), GenericKubernetesResource.class));
    ResourceEventHandler<GenericKubernetesResource> ignore = new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource added) {}

      @Override
      public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {}

      @Override
      public void onDelete(GenericKubernetesResource deleted, boolean finalStateUnknown) {}
    };
    SharedIndexInformer<GenericKubernetesResource> informer = manager.inform(
        manager.discovery().find("apps/v1", "Deployment").orElseThrow(), ns.name(), Ownership.SOURCE_LABEL, "lean",
        ignore);
    try {
      GenericKubernetesResource cached = informer.getStore().list().get(0);
      assertThat(cached.getAdditionalProperties()).containsOnlyKeys("spec", "status")
          .extractingByKey("spec").isEqualTo(Map.of("replicas", 2));
      assertThat(cached.getMetadata().getGeneration()).isEqualTo(applied.getMetadata().getGeneration());
      ObjectRef ref = ObjectRef.of(applied);
      assertThat(HealthAssessor.assess(ref, manager.asMap(cached)))
          .isEqualTo(HealthAssessor.assess(ref, manager.asMap(applied)));
    } finally {
      informer.close();
    }
  }

  /** Labelled for the informer, with kubectl's last-applied annotation and one of its own. */
  private static GenericKubernetesResource annotated(String namespace, String colour) {
    GenericKubernetesResource object = configMap(namespace, colour);
    object.getMetadata().setLabels(Map.of(Ownership.SOURCE_LABEL, "lean"));
    object.getMetadata().setAnnotations(Map.of(LeanStore.LAST_APPLIED, "{\"kind\":\"ConfigMap\"}", "team", "shop"));
    return object;
  }

  /** The cache holds the object's identity, version and fingerprint, and nothing of its content or bulk. */
  private static void assertProjection(SharedIndexInformer<GenericKubernetesResource> informer,
      GenericKubernetesResource live, ResourceManager manager) {
    assertThat(informer.getStore().list()).singleElement().satisfies(cached -> {
      assertThat(ObjectRef.of(cached)).isEqualTo(ObjectRef.of(live));
      assertThat(cached.getMetadata().getResourceVersion()).isEqualTo(live.getMetadata().getResourceVersion());
      assertThat(cached.getMetadata().getManagedFields()).as("managedFields in the cache").isNullOrEmpty();
      assertThat(cached.getMetadata().getAnnotations()).as("annotations in the cache").isNullOrEmpty();
      assertThat(cached.getMetadata().getLabels()).as("labels in the cache").isNullOrEmpty();
      assertThat(cached.getAdditionalProperties()).as("the ConfigMap's data in the cache").isEmpty();
      assertThat(LeanStore.fingerprint(cached, manager)).isEqualTo(LeanStore.fingerprint(live, manager));
    });
  }
}
