package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.keelson.agent.health.HealthAssessor;
import io.keelson.agent.plan.ObjectComparison;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An informer's store that keeps of each managed object only what the agent reads from its cache, not the object:
 * its name and resourceVersion (the no-op fast path), what health reads ({@link HealthAssessor#read}: status,
 * generation, replica counts) and a fingerprint of everything drift compares. Git's content of thousands of
 * objects (data, pod templates) is held by the sync's desired objects, not again here. Event handlers still get
 * the object the watch delivered in full as the new one (so who changed a field is read from it) and this
 * projection as the old one: drift compares their {@link #fingerprint}s.
 */
final class LeanStore extends BasicItemStore<GenericKubernetesResource> {

  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private final ResourceManager manager;

  LeanStore(ResourceManager manager) {
    super(Cache::metaNamespaceKeyFunc);
    this.manager = manager;
  }

  /** What the cache keeps of one object: a projection, with the fingerprint of the whole. */
  static final class Kept extends GenericKubernetesResource {
    private final String fingerprint;

    private Kept(String fingerprint) {
      this.fingerprint = fingerprint;
    }
  }

  @Override
  public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
    return super.put(key, keep(object, manager));
  }

  static Kept keep(GenericKubernetesResource object, ResourceManager manager) {
    ObjectMeta metadata = object.getMetadata();
    Kept kept = new Kept(fingerprint(object, manager));
    kept.setApiVersion(object.getApiVersion());
    kept.setKind(object.getKind());
    kept.setMetadata(new ObjectMetaBuilder().withName(metadata.getName()).withNamespace(metadata.getNamespace())
        .withResourceVersion(metadata.getResourceVersion()).withGeneration(metadata.getGeneration()).build());
    Map<String, Object> read = HealthAssessor.read(object.getAdditionalProperties());
    kept.setAdditionalProperties(read.isEmpty() ? Map.of() : read);
    return kept;
  }

  /**
   * SHA-256 of what {@link ObjectComparison} compares (status and server bookkeeping left out), and without
   * kubectl's last-applied copy of the object: two versions of an object have the same fingerprint exactly when
   * the comparison finds no difference between them. A kept object answers with the fingerprint of its whole.
   */
  static String fingerprint(GenericKubernetesResource object, ResourceManager manager) {
    if (object instanceof Kept kept) {
      return kept.fingerprint;
    }
    // Only the metadata is converted, without its bulk; the content is written once, straight into the hash.
    Map<String, Object> whole = new LinkedHashMap<>(object.getAdditionalProperties());
    whole.put("apiVersion", object.getApiVersion());
    whole.put("kind", object.getKind());
    whole.put("metadata", manager.convert(withoutBulk(object.getMetadata()), Map.class));
    return ObjectComparison.fingerprint(whole);
  }

  private static ObjectMeta withoutBulk(ObjectMeta metadata) {
    Map<String, String> annotations = metadata.getAnnotations();
    if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
      annotations = new HashMap<>(annotations);
      annotations.remove(LAST_APPLIED);
    }
    return new ObjectMetaBuilder(metadata).withManagedFields((List<ManagedFieldsEntry>) null)
        .withAnnotations(annotations).build();
  }
}
