package io.keelson.release.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keelson.release.analysis.Analysis;
import io.keelson.release.analysis.QueryResult;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.deploy.PolicyKey;
import io.keelson.release.istio.IstioRouter;
import io.keelson.release.strategy.ManualAction;
import io.keelson.testkit.ControlPlane;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A release action is recorded on the real API server while a tick writes the policy's status: the status write
 * lands between the action's read of the policy and its write, so a write sending the resourceVersion it read
 * would be refused (409) and the action answer an error.
 */
@ControlPlaneTest(crds = {"crds/releasepolicies.keelson.io.yaml"})
class ReleaseActionIT {

  @Test
  void whenATickWritesTheStatusBetweenTheActionsReadAndWrite_thenTheActionIsRecordedAndTheStatusKept(
      ControlPlane controlPlane, KubernetesClient admin, TestNamespace ns) {
    ReleasePolicy created = admin.resources(ReleasePolicy.class).inNamespace(ns.name()).resource(policy()).create();
    StatusWriteBeforeEachWrite tick = new StatusWriteBeforeEachWrite(admin, ns.name());
    try (KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(controlPlane.kubeconfig()))
        .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor("tick", tick)).build();
        ReleaseController releases = new ReleaseController(client, reconciler(client), Set.of(ns.name()),
            Clock.systemUTC())) {

      boolean recorded = releases.request(new PolicyKey(ns.name(), "cart"), ManualAction.Kind.PAUSE, "on-call");

      assertThat(tick.resourceVersions).as("the status written between the action's read and write, moving the"
          + " policy's resourceVersion on from " + created.getMetadata().getResourceVersion()).hasSize(1);
      assertThat(recorded).as("the action answered as recorded").isTrue();
    }
    ReleasePolicy after = admin.resources(ReleasePolicy.class).inNamespace(ns.name()).withName("cart").get();
    assertThat(ActionRequests.of(after)).as("the action on the policy")
        .hasValueSatisfying(action -> {
          assertThat(action.kind()).isEqualTo(ManualAction.Kind.PAUSE);
          assertThat(action.by()).isEqualTo("on-call");
        });
    assertThat(after.getStatus().getPhase()).as("the tick's status kept").isEqualTo(ReleasePhase.Progressing);
  }

  private static ReleasePolicy policy() {
    return Serialization.unmarshal("""
        apiVersion: keelson.io/v1alpha1
        kind: ReleasePolicy
        metadata: {name: cart}
        spec:
          targetRef: {name: cart}
          service: {name: cart, port: 80}
          steps: {weights: [20, 50], interval: 1h}
          checks:
            - name: errors
              errorRate: {max: 0.05}
        """, ReleasePolicy.class);
  }

  private static ReleaseReconciler reconciler(KubernetesClient client) {
    Analysis noMetrics = new Analysis((promql, at) -> new QueryResult.NoData("not queried in this test"));
    return new ReleaseReconciler(client, new IstioRouter(client), noMetrics, (policy, event) -> { }, Clock.systemUTC());
  }

  /**
   * Before every write to the cart policy itself (not its status), a tick's status write by another client, as
   * the release controller's own ticks make at any moment; records the resourceVersion each one left.
   */
  private static final class StatusWriteBeforeEachWrite implements Interceptor {

    final List<String> resourceVersions = new ArrayList<>();
    private final KubernetesClient admin;
    private final String namespace;

    StatusWriteBeforeEachWrite(KubernetesClient admin, String namespace) {
      this.admin = admin;
      this.namespace = namespace;
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      if (request.method().equals("GET") || !request.uri().getPath().endsWith("/releasepolicies/cart")) {
        return;
      }
      ReleasePolicy current = admin.resources(ReleasePolicy.class).inNamespace(namespace).withName("cart").get();
      ReleasePolicyStatus status = new ReleasePolicyStatus();
      status.setPhase(ReleasePhase.Progressing);
      current.setStatus(status);
      resourceVersions.add(admin.resources(ReleasePolicy.class).inNamespace(namespace).resource(current)
          .updateStatus().getMetadata().getResourceVersion());
    }
  }
}
