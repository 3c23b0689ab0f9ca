package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the API server serves: for each apiVersion and kind, its plural and whether it is namespaced.
 * Read once, cached, and refreshed after CRDs are applied or when a kind is not found (at most once a
 * second, so a revision full of unknown kinds does not hammer the server).
 */
public final class ApiDiscovery {

  private static final Duration MIN_REFRESH_GAP = Duration.ofSeconds(1);

  private final KubernetesClient client;
  private final Clock clock;
  private volatile Map<String, ResourceDefinitionContext> kinds = Map.of();
  private volatile Instant refreshedAt = Instant.EPOCH;

  public ApiDiscovery(KubernetesClient client, Clock clock) {
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

  public synchronized void refresh() {
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
        found.put(key(groupVersion, resource.getKind()), new ResourceDefinitionContext.Builder()
            .withGroup(group).withVersion(version).withKind(resource.getKind())
            .withPlural(resource.getName()).withNamespaced(Boolean.TRUE.equals(resource.getNamespaced()))
            .build());
      }
    });
    kinds = Map.copyOf(found);
    refreshedAt = clock.instant();
  }

  private static String key(String apiVersion, String kind) {
    return apiVersion + "/" + kind;
  }
}
