package io.keelson.release.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.release.api.Evidence;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.Verdict;
import io.keelson.release.strategy.ReleaseStrategy;
import io.keelson.release.traffic.Routes;
import io.keelson.release.webhook.GateReceiver;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The test route's webhook gate on the real API server with the real render, reconciler and Istio router,
 * against a receiver on 127.0.0.1: 2xx passes the test route, any other status fails the release with the
 * body's first line, no answer holds under the error budget and then fails closed.
 */
@ControlPlaneTest(crds = {"crds/releasepolicies.keelson.io.yaml", "crds/istio-networking.yaml"})
class TestRouteWebhookIT {

  private static final Duration RELEASE = Duration.ofSeconds(60);
  private final GateReceiver gate = GateReceiver.start();

  @AfterEach
  void stop() {
    gate.close();
  }

  @Test
  void a200PassesTheTestRoute(KubernetesClient client, TestNamespace ns) {
    ReleaseBench bench = releasing(client, ns);

    ReleasePolicyStatus progressing = bench.runUntil("the first weight", s -> s.getPhase() == ReleasePhase.Progressing
        || s.getPhase() == ReleasePhase.Failed, RELEASE);

    assertThat(progressing.getPhase()).isEqualTo(ReleasePhase.Progressing);
    assertThat(gateEvidence(progressing)).satisfies(evidence -> {
      assertThat(evidence.verdict()).isEqualTo(Verdict.PASS);
      assertThat(evidence.message()).isEqualTo("webhook answered 200");
      assertThat(evidence.query()).isEqualTo("POST " + gate.url());
    });
    assertThat(gate.received()).isNotEmpty().allSatisfy(body -> assertThat(body)
        .contains("\"policy\":\"cart\"", "\"namespace\":\"" + ns.name() + "\"", "\"phase\":\"Testing\"",
            "\"candidate\":\"" + progressing.getCandidate().templateHash() + "\"",
            "\"canaryHost\":\"cart-canary." + ns.name() + ".svc.cluster.local\"", "\"testHeader\":\"x-canary\"",
            "\"testHeaderValue\":\"1\""));
  }

  @Test
  void anotherStatusFailsTheReleaseWithTheBodysFirstLine(KubernetesClient client, TestNamespace ns) {
    gate.answer(500, "smoke test: 3 of 20 requests failed\nat step checkout");
    ReleaseBench bench = releasing(client, ns);

    ReleasePolicyStatus failed = bench.runUntil("the release failed", s -> s.getPhase() == ReleasePhase.Failed,
        RELEASE);

    assertThat(failed.getHistory()).last().satisfies(entry -> assertThat(entry.reason())
        .isEqualTo("check " + ReleaseStrategy.WEBHOOK_CHECK + " failed 1 time(s), threshold 1: webhook answered 500:"
            + " smoke test: 3 of 20 requests failed"));
    assertThat(gateEvidence(failed).verdict()).isEqualTo(Verdict.FAIL);
    assertThat(bench.routes()).isEqualTo(Routes.STABLE);
    assertThat(bench.samples).noneMatch(s -> s.routes() != null && s.routes().canaryWeight() > 0);
  }

  @Test
  void aStoppedReceiverIsAnErrorHeldUnderTheBudgetThenTheReleaseFailsClosed(KubernetesClient client,
      TestNamespace ns) {
    gate.close();
    ReleaseBench bench = releasing(client, ns);

    ReleasePolicyStatus failed = bench.runUntil("the release failed", s -> s.getPhase() == ReleasePhase.Failed,
        RELEASE);

    assertThat(bench.samples).filteredOn(s -> s.status() != null).as("held in Testing on ERROR before failing")
        .anySatisfy(s -> {
      assertThat(s.status().getPhase()).isEqualTo(ReleasePhase.Testing);
      assertThat(s.status().getErrorSince()).isNotNull();
    });
    assertThat(gateEvidence(failed).verdict()).isEqualTo(Verdict.ERROR);
    assertThat(failed.getHistory()).last().satisfies(entry -> assertThat(entry.reason())
        .startsWith("test-route webhook unreachable for longer than 2s: " + ReleaseStrategy.WEBHOOK_CHECK
            + ": webhook unreachable: "));
    assertThat(bench.samples).noneMatch(s -> s.routes() != null && s.routes().canaryWeight() > 0);
  }

  private ReleaseBench releasing(KubernetesClient client, TestNamespace ns) {
    return ReleaseBench.gatedRelease(client, ns, gate.url(), null, """
          steps: {weights: [20], interval: 1s}
          errorBudget: 2s
        """);
  }

  private static Evidence gateEvidence(ReleasePolicyStatus status) {
    return status.getEvidence().stream().filter(e -> ReleaseStrategy.WEBHOOK_CHECK.equals(e.check())).findFirst()
        .orElseThrow(() -> new AssertionError("no evidence of the gate in " + status.getEvidence()));
  }
}
