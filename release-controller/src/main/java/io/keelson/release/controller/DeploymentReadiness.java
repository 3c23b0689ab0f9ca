package io.keelson.release.controller;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;

/** A Deployment is ready when its controller observed the current spec and every replica is updated and available. */
final class DeploymentReadiness {

  private DeploymentReadiness() {}

  static boolean ready(Deployment deployment) {
    if (deployment == null || deployment.getStatus() == null) {
      return false;
    }
    DeploymentStatus status = deployment.getStatus();
    int wanted = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    long generation = deployment.getMetadata().getGeneration() == null ? 0 : deployment.getMetadata().getGeneration();
    long observed = status.getObservedGeneration() == null ? -1 : status.getObservedGeneration();
    return wanted > 0 && observed >= generation && value(status.getUpdatedReplicas()) >= wanted
        && value(status.getAvailableReplicas()) >= wanted && value(status.getReplicas()) == value(status.getUpdatedReplicas());
  }

  private static int value(Integer number) {
    return number == null ? 0 : number;
  }
}
