package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.model.Ownership;
import io.keelson.agent.model.Rendered;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.deploy.PolicyKey;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The only type that talks to the API server about managed objects and the agent's own stores: server-side
 * dry run and apply with field manager {@value Ownership#FIELD_MANAGER}, get, delete, informers, discovery,
 * and the ConfigMaps that keep inventories and status. Built once per agent; every object is addressed
 * through the discovered resource context, so generic kinds need no per-call discovery.
 */
public final class ResourceManager {

  private static final Duration DELETE_TIMEOUT = Duration.ofSeconds(30);
  /**
   * Objects per page when an informer lists a kind (kubectl's chunk size): a list of thousands of objects is
   * never held as one answer.
   */
  static final long LIST_PAGE = 500;

  private final KubernetesClient client;
  private final ApiDiscovery discovery;
  private final Runnable writeCheck;

  /** A manager that writes whenever asked (the client's own fence, if any, still applies). */
  public ResourceManager(KubernetesClient client, Clock clock) {
    this(client, new ApiDiscovery(client, clock), () -> { });
  }

  private ResourceManager(KubernetesClient client, ApiDiscovery discovery, Runnable writeCheck) {
    this.client = client;
    this.discovery = discovery;
    this.writeCheck = writeCheck;
  }

  /**
   * The same manager (client, discovery) for one line of work: {@code writeCheck} runs before each of its writes
   * and throws when that work may no longer write (its leadership term is over).
   */
  public ResourceManager fenced(Runnable writeCheck) {
    return new ResourceManager(client, discovery, writeCheck);
  }

  /** Throws when this replica may no longer write: the work in hand is to be abandoned. */
  public void checkWrite() {
    writeCheck.run();
  }

  public ApiDiscovery discovery() {
    return discovery;
  }

  /** The API server's version, e.g. {@code v1.34.1}. */
  public String kubeVersion() {
    return client.getKubernetesVersion().getGitVersion();
  }

  /**
   * An informer on {@code kind} (in {@code namespace}, or in all when empty) that caches only objects labelled
   * {@code label}={@code value}, each as the projection the agent reads from a cache (see {@link LeanStore}).
   */
  public SharedIndexInformer<GenericKubernetesResource> inform(ResourceDefinitionContext kind, String namespace,
      String label, String value, ResourceEventHandler<GenericKubernetesResource> handler) {
    var resources = client.genericKubernetesResources(kind);
    var selected = namespace.isEmpty() ? resources.inAnyNamespace() : resources.inNamespace(namespace);
    SharedIndexInformer<GenericKubernetesResource> informer =
        selected.withLabel(label, value).withLimit(LIST_PAGE).runnableInformer(0).itemStore(new LeanStore(this));
    informer.addEventHandler(handler);
    informer.run(); // as inform(): the first list completes, or fails, in the calling thread
    return informer;
  }

  /** One of the agent's own ConfigMaps (inventory, status), or empty when it does not exist. */
  public Optional<ConfigMap> configMap(String namespace, String name) {
    return Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(name).get());
  }

  /** Stores one of the agent's own ConfigMaps, as {@link Ownership#FIELD_MANAGER}. */
  public void store(ConfigMap map) {
    store(map, Ownership.FIELD_MANAGER);
  }

  /** The same as {@code fieldManager}, which owns (and so replaces) only the fields {@code map} sets. */
  public void store(ConfigMap map, String fieldManager) {
    checkWrite();
    client.resource(map).fieldManager(fieldManager).forceConflicts().serverSideApply();
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

  /** What a delete found: the object deleted, already gone, or replaced by another of the same name. */
  public enum Deletion { DELETED, ABSENT, REPLACED }

  /**
   * Deletes the object with {@code uid} in the background (dependents are garbage-collected). The UID is a
   * precondition the API server checks, so an object deleted and created again since it was looked up (a new
   * UID) is left alone: the object checked is the object deleted.
   */
  public Deletion delete(ObjectRef ref, String uid) {
    checkWrite();
    ResourceDefinitionContext context = context(ref);
    DeleteOptions options = new DeleteOptionsBuilder()
        .withPropagationPolicy(DeletionPropagation.BACKGROUND.toString())
        .withNewPreconditions().withUid(uid).endPreconditions().build();
    HttpClient http = client.getHttpClient();
    String base = client.getMasterUrl().toString();
    HttpRequest request = http.newHttpRequestBuilder()
        .uri((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path(context, ref))
        .delete("application/json", client.getKubernetesSerialization().asJson(options)).build();
    HttpResponse<String> response;
    try {
      response = http.sendAsync(request, String.class).get(DELETE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted while deleting " + ref, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KubernetesClientException("cannot delete " + ref + ": " + e.getMessage(), e);
    }
    if (response.isSuccessful()) {
      return Deletion.DELETED;
    }
    if (response.code() == 404) {
      return Deletion.ABSENT;
    }
    if (response.code() == 409) {
      return Deletion.REPLACED; // the UID precondition failed
    }
    throw new KubernetesClientException(status(response));
  }

  private Status status(HttpResponse<String> response) {
    try {
      return client.getKubernetesSerialization().unmarshal(response.body(), Status.class);
    } catch (RuntimeException notAStatus) {
      return new StatusBuilder().withCode(response.code()).withMessage("HTTP " + response.code()).build();
    }
  }

  /** The object's REST path, e.g. {@code /apis/apps/v1/namespaces/shop/deployments/cart}. */
  private static String path(ResourceDefinitionContext context, ObjectRef ref) {
    String group = context.getGroup() == null || context.getGroup().isEmpty() ? "/api/" + context.getVersion()
        : "/apis/" + context.getGroup() + "/" + context.getVersion();
    String namespace = context.isNamespaceScoped() ? "/namespaces/" + encode(ref.namespace()) : "";
    return group + namespace + "/" + context.getPlural() + "/" + encode(ref.name());
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Where each ReleasePolicy the revision declares stands: its status as the cluster has it (absent: never
   * released). Never cached, so a render follows the release controller's latest decisions.
   */
  public Map<PolicyKey, ReleasePolicyStatus> releaseStatuses(Rendered rendered) {
    Map<PolicyKey, ReleasePolicyStatus> statuses = new HashMap<>();
    for (DesiredObject object : rendered.objects()) {
      ObjectRef ref = object.ref();
      if (!ref.group().equals(ReleasePolicy.GROUP) || !ref.kind().equals(ReleasePolicy.KIND)
          || discovery.find(ref.apiVersion(), ref.kind()).isEmpty()) {
        continue;
      }
      get(ref).map(policy -> policy.getAdditionalProperties().get("status"))
          .map(status -> convert(status, ReleasePolicyStatus.class))
          .ifPresent(status -> statuses.put(new PolicyKey(ref.namespace(), ref.name()), status));
    }
    return statuses;
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
    return convert(object, GenericKubernetesResource.class);
  }

  /** {@code value} (a map, a model object) as {@code type}, e.g. a custom resource's status. */
  public <T> T convert(Object value, Class<T> type) {
    return client.getKubernetesSerialization().convertValue(value, type);
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
