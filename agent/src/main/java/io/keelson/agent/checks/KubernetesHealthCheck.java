package io.keelson.agent.checks;

import com.codahale.metrics.health.HealthCheck;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Healthy while the API server answers; the agent can do nothing without it. */
public class KubernetesHealthCheck extends HealthCheck {

  private final KubernetesClient client;

  public KubernetesHealthCheck(KubernetesClient client) {
    this.client = client;
  }

  @Override
  protected Result check() {
    try {
      return Result.healthy("API server " + client.getMasterUrl() + " answers, version "
          + client.getKubernetesVersion().getGitVersion());
    } catch (RuntimeException e) {
      return Result.unhealthy("API server " + client.getMasterUrl() + " does not answer: " + e.getMessage());
    }
  }
}
