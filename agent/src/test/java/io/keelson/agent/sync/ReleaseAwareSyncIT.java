package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.keelson.agent.plan.Action;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.model.TemplateHash;
import io.keelson.release.deploy.ReleaseAwareRender;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy half of a release against the real API server: a changed pod template under a
 * ReleasePolicy becomes a canary beside the released stable version, never a replacement of production.
 */
@ControlPlaneTest(crds = {"crds/releasepolicies.keelson.io.yaml", "crds/istio-networking.yaml"})
class ReleaseAwareSyncIT {

  private static final ResourceDefinitionContext POLICIES = new ResourceDefinitionContext.Builder()
      .withGroup(ReleasePolicy.GROUP).withVersion("v1alpha1").withKind(ReleasePolicy.KIND)
      .withPlural("releasepolicies").withNamespaced(true).build();

  @TempDir Path repo;
  private Synchronizer synchronizer;

  @AfterEach
  void stop() {
    if (synchronizer != null) {
      synchronizer.close();
    }
  }

  private static final String POLICY = """
      apiVersion: keelson.io/v1alpha1
      kind: ReleasePolicy
      metadata:
        name: cart
      spec:
        targetRef: {name: cart}
        service: {name: cart, port: 80}
        steps: {weights: [10, 50], interval: 30s}
        checks:
          - name: errors
            minRequests: 20
            errorRate: {max: 0.01}
      """;

  /** What the release controller records; here the test plays its part. */
  private static void setStatus(KubernetesClient client, TestNamespace ns, Map<String, Object> status) {
    client.genericKubernetesResources(POLICIES).inNamespace(ns.name()).withName("cart").subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), io.fabric8.kubernetes.client.utils.Serialization.asJson(
            Map.of("status", status)));
  }

  @Test
  void aNewTemplateRunsAsACanaryBesideTheReleasedOneUntilTheReleaseFails(KubernetesClient client,
      TestNamespace ns) {
    RepoTree tree = new RepoTree(repo).write("cart/deployment.yaml", CartManifests.deployment("shop/cart:1.0"))
        .write("cart/service.yaml", CartManifests.SERVICE).write("cart/policy.yaml", POLICY);
    synchronizer = new Synchronizer(new ResourceManager(client, Clock.systemUTC()),
        SyncOptions.defaults("apps", ns.name(), ns.name())
        .withHealthTimeout(Duration.ZERO), Clock.systemUTC(), c -> { });

    SyncResult first = synchronizer.sync(tree.snapshot());
    assertThat(first.outcome()).isEqualTo(SyncResult.Outcome.APPLIED);
    assertThat(image(client, ns, "cart")).isEqualTo("shop/cart:1.0");

    // The controller records the released template; then Git moves to 2.0.
    Map<String, Object> released = CartManifests.template("shop/cart:1.0");
    setStatus(client, ns, Map.of("phase", "Idle", "stableTemplate", released,
        "stable", Map.of("templateHash", TemplateHash.of(released), "revision", "r1", "attempt", 1)));
    SyncResult candidate = synchronizer.sync(tree.write("cart/deployment.yaml",
        CartManifests.deployment("shop/cart:2.0")).snapshot());

    assertThat(candidate.outcome()).isEqualTo(SyncResult.Outcome.APPLIED);
    assertThat(image(client, ns, "cart")).as("production keeps the released template").isEqualTo("shop/cart:1.0");
    Deployment canary = client.apps().deployments().inNamespace(ns.name()).withName("cart-canary").get();
    assertThat(canary.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("shop/cart:2.0");
    assertThat(canary.getSpec().getSelector().getMatchLabels()).containsEntry("app", "cart-canary");
    assertThat(client.services().inNamespace(ns.name()).withName("cart-canary").get().getSpec().getSelector())
        .containsEntry("app", "cart-canary");
    assertThat(candidate.changes().refs(Action.CREATED)).extracting(r -> r.name())
        .containsExactlyInAnyOrder("cart-canary", "cart-canary");
    assertThat(candidate.releases()).as("the sync's result tells the release controller where cart stands")
        .singleElement().satisfies(release -> {
          assertThat(release.policy().name()).isEqualTo("cart");
          assertThat(release.state()).isEqualTo(ReleaseAwareRender.ReleaseState.CANARY);
        });

    // The release fails for this candidate: the canary is scaled away, production stays on 1.0.
    setStatus(client, ns, Map.of("phase", "Failed", "candidate",
        Map.of("templateHash", TemplateHash.of(CartManifests.template("shop/cart:2.0")), "revision", "r2",
            "attempt", 1)));
    SyncResult failed = synchronizer.sync(tree.snapshot());

    assertThat(failed.changes().with(Action.DELETED)).extracting(c -> c.ref().name())
        .containsExactlyInAnyOrder("cart-canary", "cart-canary");
    assertThat(client.apps().deployments().inNamespace(ns.name()).withName("cart-canary").get()).isNull();
    assertThat(image(client, ns, "cart")).isEqualTo("shop/cart:1.0");
  }

  @Test
  void aVirtualServiceInGitForAPolicysHostIsRejectedNamingBothFiles(KubernetesClient client, TestNamespace ns) {
    RepoTree tree = new RepoTree(repo).write("cart/deployment.yaml", CartManifests.deployment("shop/cart:1.0"))
        .write("cart/service.yaml", CartManifests.SERVICE).write("cart/policy.yaml", POLICY)
        .write("routing/cart-vs.yaml", """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: cart
            spec:
              hosts: [cart]
              http:
                - route:
                    - destination: {host: cart}
            """);
    synchronizer = new Synchronizer(new ResourceManager(client, Clock.systemUTC()),
        SyncOptions.defaults("apps", ns.name(), ns.name())
        .withHealthTimeout(Duration.ZERO), Clock.systemUTC(), c -> { });

    SyncResult result = synchronizer.sync(tree.snapshot());

    assertThat(result.outcome()).isEqualTo(SyncResult.Outcome.REJECTED);
    assertThat(result.renderErrors()).singleElement().satisfies(error ->
        assertThat(error.toString()).contains("routing/cart-vs.yaml").contains("cart/policy.yaml"));
    assertThat(client.apps().deployments().inNamespace(ns.name()).withName("cart").get()).isNull();
  }

  private static String image(KubernetesClient client, TestNamespace ns, String name) {
    return client.apps().deployments().inNamespace(ns.name()).withName(name).get()
        .getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }
}
