package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
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
   * The drift watcher's caches hold thousands of objects: each is kept without managedFields and kubectl's
   * last-applied copy, while an update event still carries the full new object, so who changed it is known.
   */
  @Test
  void anInformersCacheHoldsLeanObjectsWhileItsEventsCarryTheWriters(KubernetesClient client, TestNamespace ns) {
    ResourceManager manager = new ResourceManager(client, java.time.Clock.systemUTC());
    GenericKubernetesResource applied = manager.apply(annotated(ns.name(), "blue"));
    assertThat(applied.getMetadata().getManagedFields()).isNotEmpty();
    List<GenericKubernetesResource> updates = new CopyOnWriteArrayList<>();

    SharedIndexInformer<GenericKubernetesResource> informer = manager.inform(
        manager.discovery().find("v1", "ConfigMap").orElseThrow(), ns.name(), Ownership.SOURCE_LABEL, "lean",
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource added) {}

          @Override
          public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
            updates.add(after);
          }

          @Override
          public void onDelete(GenericKubernetesResource deleted, boolean finalStateUnknown) {}
        });
    try {
      assertLean(informer, applied.getMetadata().getResourceVersion(), "blue");

      GenericKubernetesResource edited = manager.apply(annotated(ns.name(), "green"));
      GenericKubernetesResource update = Waiter.await("the informer's update event", Duration.ofSeconds(20),
          Duration.ofMillis(50), () -> updates.isEmpty() ? null : updates.get(0), () -> null);
      assertThat(update.getMetadata().getManagedFields()).as("managedFields of the event's new object").isNotEmpty();
      assertLean(informer, edited.getMetadata().getResourceVersion(), "green");
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

  private static void assertLean(SharedIndexInformer<GenericKubernetesResource> informer, String resourceVersion,
      String colour) {
    assertThat(informer.getStore().list()).singleElement().satisfies(cached -> {
      assertThat(cached.getMetadata().getManagedFields()).as("managedFields in the cache").isEmpty();
      assertThat(cached.getMetadata().getAnnotations()).containsOnlyKeys("team");
      assertThat(cached.getMetadata().getLabels()).containsEntry(Ownership.SOURCE_LABEL, "lean");
      assertThat(cached.getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
      assertThat((String) cached.get("data", "colour")).isEqualTo(colour);
    });
  }
}
