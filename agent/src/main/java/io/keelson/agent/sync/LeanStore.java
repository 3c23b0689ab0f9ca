package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.HashMap;
import java.util.Map;

/**
 * An informer's store that keeps each object without what the agent never reads from its cache: the
 * {@code managedFields} (often half an object's size) and kubectl's last-applied-configuration copy of the
 * object. What the cache serves — resourceVersion for the no-op fast path, spec and labels for drift, status
 * for health, the reconcile annotation — stays. Event handlers still get the object the watch delivered in
 * full as the new one, so who changed a field is read from it.
 */
final class LeanStore extends BasicItemStore<GenericKubernetesResource> {

  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  LeanStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
    return super.put(key, lean(object));
  }

  /** A copy without managedFields and the last-applied annotation; the rest shared, not copied. */
  static GenericKubernetesResource lean(GenericKubernetesResource object) {
    ObjectMeta metadata = object.getMetadata();
    boolean noManagedFields = metadata == null || metadata.getManagedFields() == null
        || metadata.getManagedFields().isEmpty();
    if (metadata == null || noManagedFields && !hasLastApplied(metadata)) {
      return object;
    }
    Map<String, String> annotations = metadata.getAnnotations();
    if (hasLastApplied(metadata)) {
      annotations = new HashMap<>(annotations);
      annotations.remove(LAST_APPLIED);
    }
    GenericKubernetesResource copy = new GenericKubernetesResource();
    copy.setApiVersion(object.getApiVersion());
    copy.setKind(object.getKind());
    copy.setAdditionalProperties(object.getAdditionalProperties());
    copy.setMetadata(new ObjectMetaBuilder(metadata).withManagedFields().withAnnotations(annotations).build());
    return copy;
  }

  private static boolean hasLastApplied(ObjectMeta metadata) {
    return metadata.getAnnotations() != null && metadata.getAnnotations().containsKey(LAST_APPLIED);
  }
}
