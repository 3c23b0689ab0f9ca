package io.keelson.agent.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the API server serves: for each apiVersion and kind, its plural and whether it is namespaced.
 * Read once, cached, and refreshed at each sync, after CRDs are applied, or when a kind is not found (at
 * most once a second, so a revision full of unknown kinds does not hammer the server).
 *
 * <p>A refresh asks for the aggregated discovery documents ({@code /api} and {@code /apis} as
 * {@code apidiscovery.k8s.io/v2}): two requests instead of one per group version. A server that does not
 * offer them is asked group version by group version.
 */
public final class ApiDiscovery {

  private static final Logger LOG = LoggerFactory.getLogger(ApiDiscovery.class);
  private static final Duration MIN_REFRESH_GAP = Duration.ofSeconds(1);
  private static final Duration AGGREGATED_TIMEOUT = Duration.ofSeconds(30);
  private static final String AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
  private static final String AGGREGATED_LIST = "APIGroupDiscoveryList";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final Clock clock;
  private volatile Map<String, ResourceDefinitionContext> kinds = Map.of();
  private volatile Instant refreshedAt = Instant.EPOCH;
  private volatile boolean aggregatedServed = true;
  private Map<String, String> description = Map.of();
  private volatile long generation;

  ApiDiscovery(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** The resource context for {@code apiVersion} + {@code kind}, refreshing once if it is unknown. */
  public Optional<ResourceDefinitionContext> find(String apiVersion, String kind) {
    ResourceDefinitionContext found = kinds.get(key(apiVersion, kind));
    if (found == null && Duration.between(refreshedAt, clock.instant()).compareTo(MIN_REFRESH_GAP) >= 0) {
      refresh();
      found = kinds.get(key(apiVersion, kind));
    }
    return Optional.ofNullable(found);
  }

  public Optional<Boolean> namespaced(String apiVersion, String kind) {
    return find(apiVersion, kind).map(ResourceDefinitionContext::isNamespaceScoped);
  }

  /** Every served kind as {@code apps/v1/Deployment}, as of the last refresh. */
  public Set<String> servedKinds() {
    return kinds.keySet();
  }

  /** Changes whenever a refresh finds that the served kinds, their plurals or scopes changed. */
  public long generation() {
    return generation;
  }

  public synchronized void refresh() {
    Optional<Map<String, ResourceDefinitionContext>> aggregated = aggregatedServed ? aggregated() : Optional.empty();
    Map<String, ResourceDefinitionContext> found = Map.copyOf(aggregated.orElseGet(this::perGroupVersion));
    // Contexts have no value equality: compare what they say.
    Map<String, String> described = new HashMap<>();
    found.forEach((key, context) -> described.put(key, context.getPlural() + "/" + context.isNamespaceScoped()));
    if (!described.equals(description)) {
      description = described;
      generation++;
    }
    kinds = found;
    refreshedAt = clock.instant();
  }

  /** Both aggregated documents, or empty when the server does not offer them. */
  private Optional<Map<String, ResourceDefinitionContext>> aggregated() {
    Map<String, ResourceDefinitionContext> found = new HashMap<>();
    for (String path : List.of("api", "apis")) {
      Optional<Map<String, Object>> document = aggregatedDocument(path);
      if (document.isEmpty()) {
        aggregatedServed = false;
        LOG.info("the API server offers no aggregated discovery; asking group version by group version");
        return Optional.empty();
      }
      found.putAll(kindsOf(document.get()));
    }
    return Optional.of(found);
  }

  private Optional<Map<String, Object>> aggregatedDocument(String path) {
    String base = client.getMasterUrl().toString();
    HttpClient http = client.getHttpClient();
    try {
      HttpResponse<String> response = http.sendAsync(http.newHttpRequestBuilder()
              .uri((base.endsWith("/") ? base : base + "/") + path)
              .header("Accept", AGGREGATED + ",application/json").build(), String.class)
          .get(AGGREGATED_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (response.code() != 200) {
        throw new KubernetesClientException("discovery: GET /" + path + " answered " + response.code());
      }
      Map<String, Object> document = JSON.readValue(response.body(), new TypeReference<>() {});
      return AGGREGATED_LIST.equals(document.get("kind")) ? Optional.of(document) : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted during discovery", e);
    } catch (ExecutionException | TimeoutException | JsonProcessingException e) {
      throw new KubernetesClientException("discovery: GET /" + path + " failed: " + e.getMessage(), e);
    }
  }

  /** Every kind an aggregated discovery document lists, by apiVersion and kind. */
  static Map<String, ResourceDefinitionContext> kindsOf(Map<String, Object> document) {
    Map<String, ResourceDefinitionContext> found = new HashMap<>();
    for (Map<String, Object> group : maps(document.get("items"))) {
      String groupName = String.valueOf(map(group.get("metadata")).getOrDefault("name", ""));
      for (Map<String, Object> version : maps(group.get("versions"))) {
        String versionName = String.valueOf(version.get("version"));
        String groupVersion = groupName.isEmpty() ? versionName : groupName + "/" + versionName;
        for (Map<String, Object> resource : maps(version.get("resources"))) {
          Object kind = map(resource.get("responseKind")).get("kind");
          if (kind != null) {
            found.put(key(groupVersion, String.valueOf(kind)), context(groupName, versionName, String.valueOf(kind),
                String.valueOf(resource.get("resource")), "Namespaced".equals(resource.get("scope"))));
          }
        }
      }
    }
    return found;
  }

  private Map<String, ResourceDefinitionContext> perGroupVersion() {
    List<String> groupVersions = new ArrayList<>(List.of("v1"));
    for (APIGroup group : client.getApiGroups().getGroups()) {
      for (GroupVersionForDiscovery version : group.getVersions()) {
        groupVersions.add(version.getGroupVersion());
      }
    }
    Map<String, ResourceDefinitionContext> found = new ConcurrentHashMap<>();
    groupVersions.parallelStream().forEach(groupVersion -> {
      APIResourceList resources = client.getApiResources(groupVersion);
      if (resources == null) {
        return;
      }
      int slash = groupVersion.indexOf('/');
      String group = slash < 0 ? "" : groupVersion.substring(0, slash);
      String version = slash < 0 ? groupVersion : groupVersion.substring(slash + 1);
      for (APIResource resource : resources.getResources()) {
        if (resource.getName().contains("/")) {
          continue; // subresources such as deployments/scale
        }
        found.put(key(groupVersion, resource.getKind()), context(group, version, resource.getKind(),
            resource.getName(), Boolean.TRUE.equals(resource.getNamespaced())));
      }
    });
    return found;
  }

  private static ResourceDefinitionContext context(String group, String version, String kind, String plural,
      boolean namespaced) {
    return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
        .withPlural(plural).withNamespaced(namespaced).build();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static List<Map<String, Object>> maps(Object value) {
    return value instanceof List<?> list ? list.stream().map(ApiDiscovery::map).toList() : List.of();
  }

  private static String key(String apiVersion, String kind) {
    return apiVersion + "/" + kind;
  }
}
