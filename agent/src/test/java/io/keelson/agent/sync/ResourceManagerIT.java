package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
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
    ResourceManager manager = new ResourceManager(client, new ApiDiscovery(client, java.time.Clock.systemUTC()));

    GenericKubernetesResource absent = manager.dryRunApply(configMap(ns.name(), "blue"));
    assertThat(ResourceManager.wouldCreate(absent)).isTrue();
    assertThat(manager.get(io.keelson.agent.model.ObjectRef.of(absent))).isEmpty();

    manager.apply(configMap(ns.name(), "blue"));
    GenericKubernetesResource present = manager.dryRunApply(configMap(ns.name(), "green"));
    assertThat(ResourceManager.wouldCreate(present)).isFalse();
  }
}
