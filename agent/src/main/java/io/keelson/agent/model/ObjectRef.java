package io.keelson.agent.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Comparator;
import java.util.Objects;

/**
 * Identifies a Kubernetes object. Equality ignores the version: the same object read through two API
 * versions is one object (duplicates, inventory and prune all reason about identity).
 */
public record ObjectRef(String group, String version, String kind, String namespace, String name)
    implements Comparable<ObjectRef> {

  private static final Comparator<ObjectRef> ORDER = Comparator.comparing(ObjectRef::group)
      .thenComparing(ObjectRef::kind)
      .thenComparing(ref -> ref.namespace() == null ? "" : ref.namespace())
      .thenComparing(ObjectRef::name);

  public ObjectRef {
    group = group == null ? "" : group;
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    namespace = namespace == null || namespace.isEmpty() ? null : namespace;
  }

  public static ObjectRef of(HasMetadata object) {
    String apiVersion = object.getApiVersion();
    int slash = apiVersion.indexOf('/');
    return new ObjectRef(slash < 0 ? "" : apiVersion.substring(0, slash),
        slash < 0 ? apiVersion : apiVersion.substring(slash + 1),
        object.getKind(), object.getMetadata().getNamespace(), object.getMetadata().getName());
  }

  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  public boolean namespaced() {
    return namespace != null;
  }

  public ObjectRef withNamespace(String newNamespace) {
    return new ObjectRef(group, version, kind, newNamespace, name);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ObjectRef ref && group.equals(ref.group) && kind.equals(ref.kind)
        && Objects.equals(namespace, ref.namespace) && name.equals(ref.name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(group, kind, namespace, name);
  }

  @Override
  public int compareTo(ObjectRef other) {
    return ORDER.compare(this, other);
  }

  /** As people write it: {@code Deployment shop/cart}, {@code Namespace shop}. */
  @Override
  public String toString() {
    return kind + " " + (namespace == null ? name : namespace + "/" + name);
  }
}
