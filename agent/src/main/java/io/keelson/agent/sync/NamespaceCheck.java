package io.keelson.agent.sync;

import io.keelson.agent.model.ObjectRef;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Whether a namespace exists, asked once per namespace during one sync. */
final class NamespaceCheck {

  private final ResourceManager manager;
  private final Map<String, Boolean> known = new ConcurrentHashMap<>();

  NamespaceCheck(ResourceManager manager) {
    this.manager = manager;
  }

  boolean exists(String namespace) {
    return known.computeIfAbsent(namespace,
        name -> manager.get(new ObjectRef("", "v1", "Namespace", null, name)).isPresent());
  }
}
