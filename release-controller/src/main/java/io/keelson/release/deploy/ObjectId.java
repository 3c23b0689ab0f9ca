package io.keelson.release.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * Names one object of the desired state, as its manifest does, so that a caller can map it back to the
 * file and document that declared it.
 */
public record ObjectId(String apiVersion, String kind, String namespace, String name) {

  public ObjectId {
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  public static ObjectId of(HasMetadata object) {
    return new ObjectId(object.getApiVersion(), object.getKind(), object.getMetadata().getNamespace(),
        object.getMetadata().getName());
  }

  /** The API group: the part of {@link #apiVersion} before the slash, empty for the core group. */
  public String group() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  @Override
  public String toString() {
    return kind + " " + (namespace == null ? "" : namespace + "/") + name + " (" + apiVersion + ")";
  }
}
