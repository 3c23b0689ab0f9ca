package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.keelson.agent.model.Ownership;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads managedFields to tell who last changed an object besides Keelson, and which fields they own. */
final class FieldOwners {

  private static final int MAX_FIELDS = 8;

  private FieldOwners() {}

  record Owner(String manager, List<String> fields) {}

  /** The most recent writer other than Keelson, with the fields it owns (e.g. {@code spec.replicas}). */
  static Optional<Owner> lastOtherWriter(GenericKubernetesResource object) {
    return object.getMetadata().getManagedFields().stream()
        .filter(entry -> !Ownership.FIELD_MANAGER.equals(entry.getManager()))
        .filter(entry -> !"status".equals(entry.getSubresource()))
        .max(Comparator.comparing(entry -> entry.getTime() == null ? "" : entry.getTime()))
        .map(entry -> new Owner(entry.getManager(), fields(entry)));
  }

  private static List<String> fields(ManagedFieldsEntry entry) {
    List<String> paths = new ArrayList<>();
    if (entry.getFieldsV1() != null && entry.getFieldsV1().getAdditionalProperties() != null) {
      collect("", entry.getFieldsV1().getAdditionalProperties(), paths);
    }
    return paths.size() > MAX_FIELDS ? List.copyOf(paths.subList(0, MAX_FIELDS)) : List.copyOf(paths);
  }

  /** fieldsV1 is a trie of "f:name" keys; its leaves are the owned fields. */
  private static void collect(String prefix, Map<String, Object> node, List<String> paths) {
    for (Map.Entry<String, Object> child : node.entrySet()) {
      String key = child.getKey();
      if (key.equals(".")) {
        continue;
      }
      String name = key.startsWith("f:") ? key.substring(2) : key;
      String path = prefix.isEmpty() ? name : prefix + "." + name;
      if (child.getValue() instanceof Map<?, ?> grandChildren && hasChildren(grandChildren)) {
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) grandChildren;
        collect(path, typed, paths);
      } else {
        paths.add(path);
      }
    }
  }

  private static boolean hasChildren(Map<?, ?> node) {
    return node.keySet().stream().anyMatch(key -> !".".equals(key));
  }
}
