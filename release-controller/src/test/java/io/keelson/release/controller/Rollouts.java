package io.keelson.release.controller;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The Deployment controller's part, which the test API server lacks: a generation rolls out at once. */
final class Rollouts {

  private Rollouts() {
  }

  /** Records {@code deployment}'s current generation as rolled out with {@code replicas} ready. */
  static void markRolledOut(KubernetesClient client, Deployment deployment, int replicas) {
    deployment.setStatus(new DeploymentStatusBuilder().withObservedGeneration(deployment.getMetadata().getGeneration())
        .withReplicas(replicas).withUpdatedReplicas(replicas).withReadyReplicas(replicas)
        .withAvailableReplicas(replicas).build());
    client.resource(deployment).updateStatus();
  }
}
