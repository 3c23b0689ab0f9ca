package io.keelson.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.keelson.testkit.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The benchmark's objects as the API server holds them, whoever applied them: their resourceVersions (a write
 * changes one), a ConfigMap's value to wait for, and an edit by another field manager (drift).
 */
final class LiveObjects {

  static final String EDITOR = "kubectl-edit";
  static final Duration WATCH_EVERY = Duration.ofMillis(20);

  private final KubernetesClient client;

  LiveObjects(KubernetesClient client) {
    this.client = client;
  }

  /** resourceVersion of every benchmark object in the prefix's namespaces (namespace/kind/name → version). */
  Map<String, String> versions(String prefix) {
    Map<String, String> versions = new HashMap<>();
    for (int i = 0; i < Manifests.NAMESPACES; i++) {
      String ns = Manifests.namespace(prefix, i);
      List<HasMetadata> objects = new ArrayList<>();
      objects.addAll(client.configMaps().inNamespace(ns).withLabel(Manifests.LABEL).list().getItems());
      objects.addAll(client.services().inNamespace(ns).withLabel(Manifests.LABEL).list().getItems());
      objects.addAll(client.apps().deployments().inNamespace(ns).withLabel(Manifests.LABEL).list().getItems());
      for (HasMetadata object : objects) {
        versions.put(ns + "/" + object.getClass().getSimpleName() + "/" + object.getMetadata().getName(),
            object.getMetadata().getResourceVersion());
      }
    }
    return versions;
  }

  static long changed(Map<String, String> before, Map<String, String> after) {
    return after.entrySet().stream().filter(e -> !e.getValue().equals(before.get(e.getKey()))).count();
  }

  /** Sets ConfigMap {@code ns/name}'s value as someone editing the cluster by hand would (field manager {@value #EDITOR}). */
  void edit(String ns, String name, String value) {
    ConfigMap edited = client.configMaps().inNamespace(ns).withName(name)
        .patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).withFieldManager(EDITOR).build(),
            "{\"data\":{\"value\":\"" + value + "\"}}");
    if (!value.equals(edited.getData().get("value"))) {
      throw new IllegalStateException("the external edit did not take: " + edited.getData());
    }
  }

  /** Waits until ConfigMap {@code ns/name} holds {@code value} (polled every {@link #WATCH_EVERY}). */
  void awaitValue(String ns, String name, String value, Duration timeout, Supplier<String> failure) {
    Supplier<Boolean> live = () -> {
      ConfigMap map = client.configMaps().inNamespace(ns).withName(name).get();
      return map != null && map.getData() != null && value.equals(map.getData().get("value")) ? Boolean.TRUE : null;
    };
    Waiter.await(ns + "/" + name + " value " + value, timeout, WATCH_EVERY, live, failure);
  }
}
