package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.model.Ownership;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.Optional;

/**
 * The only type that talks to the API server about managed objects: server-side dry run and apply with
 * field manager {@value Ownership#FIELD_MANAGER}, get and delete. Every object is addressed through the
 * discovered resource context, so generic kinds need no per-call discovery.
 */
public final class ResourceManager {

  private final KubernetesClient client;
  private final ApiDiscovery discovery;
  private final Runnable writeCheck;

  public ResourceManager(KubernetesClient client, ApiDiscovery discovery) {
    this(client, discovery, () -> { });
  }

  /** {@code writeCheck} runs before every write and throws when this replica may no longer write. */
  public ResourceManager(KubernetesClient client, ApiDiscovery discovery, Runnable writeCheck) {
    this.client = client;
    this.discovery = discovery;
    this.writeCheck = writeCheck;
  }

  /** Throws when this replica may no longer write: the work in hand is to be abandoned. */
  public void checkWrite() {
    writeCheck.run();
  }

  public ApiDiscovery discovery() {
    return discovery;
  }

  /** The object as the server would store it if applied now; nothing is persisted. */
  public GenericKubernetesResource dryRunApply(GenericKubernetesResource object) {
    return resource(ObjectRef.of(object)).resource(object)
        .dryRun().fieldManager(Ownership.FIELD_MANAGER).forceConflicts().serverSideApply();
  }

  /**
   * Whether a dry-run result describes an object the apply would create: the server has not stored it, so it
   * carries no resourceVersion (ResourceManagerIT pins this). Saves a read of every new object.
   */
  public static boolean wouldCreate(GenericKubernetesResource dryRun) {
    String version = dryRun.getMetadata() == null ? null : dryRun.getMetadata().getResourceVersion();
    return version == null || version.isEmpty();
  }

  public GenericKubernetesResource apply(GenericKubernetesResource object) {
    checkWrite();
    return resource(ObjectRef.of(object)).resource(object)
        .fieldManager(Ownership.FIELD_MANAGER).forceConflicts().serverSideApply();
  }

  /** The live object, or empty when it does not exist. */
  public Optional<GenericKubernetesResource> get(ObjectRef ref) {
    return Optional.ofNullable(named(ref).get());
  }

  /** Deletes in the background (dependents are garbage-collected); true if it existed. */
  public boolean delete(ObjectRef ref) {
    checkWrite();
    return !named(ref).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete().isEmpty();
  }

  /** Waits until a CustomResourceDefinition is Established, so its kind can be served. */
  public void awaitEstablished(String crdName, Duration timeout) {
    client.apiextensions().v1().customResourceDefinitions().withName(crdName).waitUntilCondition(
        crd -> crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
            && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())),
        timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The object as a plain map, for pure comparisons. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> asMap(GenericKubernetesResource object) {
    return client.getKubernetesSerialization().convertValue(object, Map.class);
  }

  public GenericKubernetesResource fromMap(Map<String, Object> object) {
    return client.getKubernetesSerialization().convertValue(object, GenericKubernetesResource.class);
  }

  private Resource<GenericKubernetesResource> named(ObjectRef ref) {
    return resource(ref).withName(ref.name());
  }

  private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> resource(ObjectRef ref) {
    ResourceDefinitionContext context = context(ref);
    if (context.isNamespaceScoped()) {
      return client.genericKubernetesResources(context).inNamespace(ref.namespace());
    }
    return client.genericKubernetesResources(context);
  }

  public ResourceDefinitionContext context(ObjectRef ref) {
    return discovery.find(ref.apiVersion(), ref.kind()).orElseThrow(() -> new KubernetesClientException(
        "the API server does not serve " + ref.apiVersion() + " " + ref.kind()));
  }
}
