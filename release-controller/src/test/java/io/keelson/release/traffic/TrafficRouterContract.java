package io.keelson.release.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.release.api.Check;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicySpec;
import io.keelson.release.api.RouterKind;
import io.keelson.release.api.ServiceSpec;
import io.keelson.release.api.Steps;
import io.keelson.release.api.TargetRef;
import io.keelson.release.api.TestRoute;
import io.keelson.testkit.TestNamespace;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TrafficRouter} does against a real API server, whatever objects it writes: each phase of a
 * release routed as designed and read back, a rollback, deleted objects recreated, no write when nothing
 * changed, and finalize. A subclass per router says what its objects look like.
 */
public abstract class TrafficRouterContract {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  protected abstract TrafficRouter router(KubernetesClient client);

  /** The policy under test, created in the cluster (so with a uid for the owner reference). */
  protected abstract PolicyRef createPolicy(KubernetesClient client, TestNamespace ns);

  /** Asserts the whole spec of every routing object for {@code routes}, written out rather than derived. */
  protected abstract void assertRouted(KubernetesClient client, TestNamespace ns, Routes routes);

  /** The metadata of each routing object the router writes, null for one that does not exist. */
  protected abstract List<ObjectMeta> metadata(KubernetesClient client, TestNamespace ns);

  /** Deletes every routing object, as a person with kubectl would. */
  protected abstract void deleteByHand(KubernetesClient client, TestNamespace ns);

  @Test
  void aReleaseThatSucceedsRoutesEveryPhaseAsDesigned(KubernetesClient client, TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns);
    TrafficRouter router = router(client);

    List<Routes> phases = List.of(
        new Routes(0, false),    // Deploying: the canary runs with no traffic
        new Routes(0, true),     // Testing: only test-header requests reach the canary
        new Routes(0, true, 40), // Mirroring: copies of 40% of production reach it too, answers discarded
        new Routes(10, true),    // Progressing, step by step
        new Routes(50, true),
        new Routes(100, true),   // Promoting: the canary keeps its weight while stable rolls
        new Routes(0, false));   // Succeeded: all traffic to the new stable, test route gone
    for (Routes routes : phases) {
      router.reconcile(policy, routes);

      assertRouted(client, ns, routes);
      assertThat(router.current(policy)).as("read back %s", routes).contains(routes);
    }
  }

  @Test
  void aRollbackSendsEverythingToStableAndRemovesTheTestRoute(KubernetesClient client, TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns);
    TrafficRouter router = router(client);
    router.reconcile(policy, new Routes(50, true));
    assertRouted(client, ns, new Routes(50, true));

    router.reconcile(policy, Routes.STABLE);

    assertRouted(client, ns, Routes.STABLE);
    assertThat(router.current(policy)).contains(Routes.STABLE);
  }

  @Test
  void aRollbackWhileMirroringStopsTheMirror(KubernetesClient client, TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns);
    TrafficRouter router = router(client);
    router.reconcile(policy, new Routes(0, true, 100));
    assertThat(router.current(policy)).contains(new Routes(0, true, 100));

    router.reconcile(policy, Routes.STABLE);

    assertRouted(client, ns, Routes.STABLE);
    assertThat(router.current(policy)).hasValueSatisfying(routes -> assertThat(routes.allStable()).isTrue());
  }

  @Test
  void deletedRoutingObjectsAreRecreatedByTheNextReconcile(KubernetesClient client, TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns);
    TrafficRouter router = router(client);
    router.reconcile(policy, new Routes(50, true));

    deleteByHand(client, ns);
    assertThat(router.current(policy)).isEmpty();

    router.reconcile(policy, new Routes(50, true));

    assertRouted(client, ns, new Routes(50, true));
    assertThat(router.current(policy)).contains(new Routes(50, true));
  }

  @Test
  void aReconcileWithNothingToChangeWritesNothing(KubernetesClient client, TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns);
    TrafficRouter router = router(client);
    router.reconcile(policy, new Routes(10, true));
    List<String> versions = versions(client, ns);

    // The API server defaults nothing the design left out, so the live objects compare equal.
    router.reconcile(policy, new Routes(10, true));

    assertThat(versions(client, ns)).isEqualTo(versions);

    router.reconcile(policy, new Routes(20, true));

    assertThat(versions(client, ns)).isNotEqualTo(versions);
  }

  @Test
  void finalizeDeletesTheRoutingObjectsAndIsIdempotent(KubernetesClient client, TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns);
    TrafficRouter router = router(client);
    router.reconcile(policy, new Routes(10, true));

    router.finalize(policy);
    router.finalize(policy);

    assertThat(metadata(client, ns)).containsOnlyNulls();
    assertThat(router.current(policy)).isEmpty();
  }

  @Test
  void theRoutingObjectsAreOwnedByThePolicyAndWrittenByTheReleaseController(KubernetesClient client,
      TestNamespace ns) {
    PolicyRef policy = createPolicy(client, ns);
    router(client).reconcile(policy, Routes.STABLE);

    assertThat(metadata(client, ns)).allSatisfy(meta -> {
      assertThat(meta.getName()).isEqualTo("keelson-checkout");
      assertThat(meta.getLabels()).containsAllEntriesOf(Map.of(
          "app.kubernetes.io/managed-by", "keelson-release-controller", "keelson.io/release", "checkout"));
      assertThat(meta.getOwnerReferences()).singleElement().satisfies(owner -> {
        assertThat(owner.getKind()).isEqualTo(ReleasePolicy.KIND);
        assertThat(owner.getApiVersion()).isEqualTo(ReleasePolicy.API_VERSION);
        assertThat(owner.getName()).isEqualTo("checkout");
        assertThat(owner.getUid()).isEqualTo(policy.uid());
        assertThat(owner.getController()).isTrue();
      });
      assertThat(meta.getManagedFields()).singleElement().satisfies(entry -> {
        assertThat(entry.getManager()).isEqualTo("keelson-release-controller");
        assertThat(entry.getOperation()).isEqualTo("Apply");
      });
    });
  }

  private List<String> versions(KubernetesClient client, TestNamespace ns) {
    return metadata(client, ns).stream().map(meta -> meta == null ? null : meta.getResourceVersion()).toList();
  }

  /** Creates a policy named {@code checkout} for {@code service}, stepping 10% then 50%. */
  protected static PolicyRef createPolicy(KubernetesClient client, TestNamespace ns, RouterKind router,
      ServiceSpec service, TestRoute testRoute) {
    ReleasePolicySpec spec = new ReleasePolicySpec();
    spec.setTargetRef(new TargetRef("checkout"));
    spec.setRouter(router);
    spec.setService(service);
    spec.setTestRoute(testRoute);
    spec.setSteps(new Steps(List.of(10, 50), null, null, "1m"));
    spec.setChecks(List.of(new Check("errors", null, new Check.ErrorRate(0.05), null, null, null)));
    ReleasePolicy policy = new ReleasePolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName("checkout").withNamespace(ns.name()).build());
    policy.setSpec(spec);
    ReleasePolicy created = client.resource(policy).create();
    assertThat(created.getMetadata().getUid()).isNotEmpty();
    return PolicyRef.of(created);
  }

  /** An object as JSON, for comparing a typed model object with a spec written out as maps. */
  protected static JsonNode json(Object object) {
    try {
      return MAPPER.readTree(MAPPER.writeValueAsString(object));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
