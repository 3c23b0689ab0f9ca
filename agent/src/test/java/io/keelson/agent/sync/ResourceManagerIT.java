package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keelson.agent.model.ObjectRef;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
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
    GenericKubernetesResource replacement = manager.apply(configMap(ns.name(), "green"));

    assertThat(manager.delete(ref, checked.getMetadata().getUid())).isEqualTo(ResourceManager.Deletion.REPLACED);
    assertThat(manager.get(ref)).hasValueSatisfying(live ->
        assertThat(live.getMetadata().getUid()).isEqualTo(replacement.getMetadata().getUid()));

    assertThat(manager.delete(ref, replacement.getMetadata().getUid())).isEqualTo(ResourceManager.Deletion.DELETED);
    assertThat(manager.delete(ref, replacement.getMetadata().getUid())).isEqualTo(ResourceManager.Deletion.ABSENT);
  }
}
