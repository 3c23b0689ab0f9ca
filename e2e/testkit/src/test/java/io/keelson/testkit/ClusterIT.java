package io.keelson.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClusterIT {

  private static Cluster cluster;

  @BeforeAll
  static void start() {
    cluster = Cluster.start(2);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aDeploymentRollsOutAndItsPodsBecomeReadyOnFakeNodes() {
    var client = cluster.client();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build())
        .create();
    Deployment deployment = new DeploymentBuilder()
        .withNewMetadata().withName("cart").withNamespace("shop").endMetadata()
        .withNewSpec().withReplicas(3)
        .withNewSelector().addToMatchLabels("app", "cart").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "cart").endMetadata()
        .withNewSpec().addNewContainer().withName("cart").withImage("example.com/cart:1").endContainer().endSpec()
        .endTemplate().endSpec().build();
    client.apps().deployments().resource(deployment).create();

    Deployment rolledOut = client.apps().deployments().inNamespace("shop").withName("cart")
        .waitUntilCondition(d -> d != null && d.getStatus() != null
            && Integer.valueOf(3).equals(d.getStatus().getAvailableReplicas()), 60, TimeUnit.SECONDS);

    assertThat(rolledOut.getStatus().getReadyReplicas()).isEqualTo(3);
    List<Pod> pods = client.pods().inNamespace("shop").withLabel("app", "cart").list().getItems();
    assertThat(pods).hasSize(3).allSatisfy(pod -> {
      assertThat(pod.getSpec().getNodeName()).startsWith("kwok-node-");
      assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
      assertThat(pod.getStatus().getPodIP()).isNotBlank();
    });
  }
}
