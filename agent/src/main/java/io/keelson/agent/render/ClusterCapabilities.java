package io.keelson.agent.render;

import java.util.List;

/**
 * What Helm's {@code .Capabilities} should say about the cluster: its version and the API versions it
 * serves, from the API server's discovery. Asked only when a chart is actually rendered.
 */
public interface ClusterCapabilities {

  /** Nothing known (offline): Helm uses its own defaults. */
  ClusterCapabilities NONE = new ClusterCapabilities() {
    @Override
    public String kubeVersion() {
      return "";
    }

    @Override
    public List<String> apiVersions() {
      return List.of();
    }
  };

  /** Like {@code v1.36.3}; empty when unknown. */
  String kubeVersion();

  /** Group versions ({@code apps/v1}) and kinds ({@code apps/v1/Deployment}) the cluster serves. */
  List<String> apiVersions();
}
