package io.keelson.agent.sync;

import io.keelson.agent.render.ClusterCapabilities;
import java.util.List;
import java.util.TreeSet;

/**
 * Helm's view of the cluster from the API server: its version (asked once, the first time a chart is
 * rendered) and, from discovery, the API versions and kinds it serves.
 */
final class DiscoveryCapabilities implements ClusterCapabilities {

  private final ResourceManager manager;
  private volatile String kubeVersion;

  DiscoveryCapabilities(ResourceManager manager) {
    this.manager = manager;
  }

  @Override
  public String kubeVersion() {
    String known = kubeVersion;
    if (known == null) {
      known = manager.kubeVersion();
      kubeVersion = known;
    }
    return known;
  }

  @Override
  public List<String> apiVersions() {
    TreeSet<String> versions = new TreeSet<>();
    for (String kind : manager.discovery().servedKinds()) {
      versions.add(kind);
      versions.add(kind.substring(0, kind.lastIndexOf('/')));
    }
    return List.copyOf(versions);
  }
}
