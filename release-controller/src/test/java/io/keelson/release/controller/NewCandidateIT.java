package io.keelson.release.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.release.api.Evidence;
import io.keelson.release.api.HistoryEntry;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.Verdict;
import io.keelson.release.traffic.Routes;
import io.keelson.release.webhook.GateReceiver;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.PrometheusExtension;
import io.keelson.testkit.PrometheusServer;
import io.keelson.testkit.TestNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A new commit in the middle of a release, on the real API server with the real render, reconciler and Istio
 * router: the canary's template never changes while a route reaches it, and the new candidate starts from its
 * test route (supersede) or after the release under way finished on its own template (queue). The test route
 * is gated by a webhook on 127.0.0.1 that notes which template the canary ran at each call.
 */
@ControlPlaneTest(crds = {"crds/releasepolicies.keelson.io.yaml", "crds/istio-networking.yaml"})
@ExtendWith(PrometheusExtension.class)
class NewCandidateIT {

  private static final Duration RELEASE = Duration.ofSeconds(90);
  private final GateReceiver gate = GateReceiver.start();
  /** For each gate call: the candidate it was asked about, and the one the canary ran at that moment. */
  private final List<String> gateCalls = new CopyOnWriteArrayList<>();

  private ReleaseBench bench;

  @AfterEach
  void stop() {
    gate.close();
    if (bench != null) {
      bench.close();
    }
  }

  @Test
  void supersedeTakesTrafficOffTheCanaryBeforeItsTemplateChangesThenTestsTheNewCandidate(KubernetesClient client,
      TestNamespace ns, PrometheusServer prometheus) {
    bench = released(client, ns, prometheus, "supersede");
    bench.runUntil("the weight of 2.0", s -> s.getCanaryWeight() != null && s.getCanaryWeight() > 0, RELEASE);
    String v2 = bench.status().getCandidate().templateHash();

    bench.commit("shop/cart:3.0", "r3").sync();
    assertThat(bench.canaryImage()).as("the canary keeps 2.0 while it holds weight").isEqualTo("shop/cart:2.0");
    assertThat(bench.routes().canaryWeight()).isPositive();
    assertThat(bench.tick().getPhase()).isEqualTo(ReleasePhase.RollingBack);
    assertThat(bench.routes()).isEqualTo(Routes.STABLE);
    ReleasePolicyStatus deploying = bench.tick();
    assertThat(deploying.getPhase()).isEqualTo(ReleasePhase.Deploying);
    String v3 = deploying.getCandidate().templateHash();
    assertThat(bench.tick().getPhase()).as("the canary is ready, but still runs 2.0: not tested as 3.0")
        .isEqualTo(ReleasePhase.Deploying);

    ReleasePolicyStatus done = bench.runUntil("3.0 released", s -> s.getPhase() == ReleasePhase.Succeeded, RELEASE);
    assertThat(done.getStable().templateHash()).isEqualTo(v3);
    assertThat(done.getHistory()).extracting(h -> h.release().templateHash() + " " + h.phase() + " " + h.reason())
        .containsExactly(v2 + " Failed superseded by " + v3, v3 + " Succeeded promoted: stable runs " + v3);
    assertNoUntestedTemplateUnderLiveWeight(bench, v3);
  }

  @Test
  void queueFinishesTheReleaseUnderWayOnItsOwnTemplateThenReleasesTheNewOne(KubernetesClient client,
      TestNamespace ns, PrometheusServer prometheus) {
    bench = released(client, ns, prometheus, "queue");
    bench.runUntil("the weight of 2.0", s -> s.getCanaryWeight() != null && s.getCanaryWeight() > 0, RELEASE);
    String v2 = bench.status().getCandidate().templateHash();

    bench.commit("shop/cart:3.0", "r3").sync();
    assertThat(bench.canaryImage()).isEqualTo("shop/cart:2.0");
    ReleasePolicyStatus first = bench.runUntil("2.0 released", s -> s.getPhase() == ReleasePhase.Succeeded, RELEASE);
    assertThat(first.getStable().templateHash()).as("what was released is 2.0, not the queued 3.0").isEqualTo(v2);
    ReleasePolicyStatus second = bench.runUntil("3.0 released", s -> s.getPhase() == ReleasePhase.Succeeded
        && !v2.equals(s.getStable().templateHash()), RELEASE);
    String v3 = second.getStable().templateHash();

    assertThat(second.getHistory()).extracting(HistoryEntry::phase)
        .containsExactly(ReleasePhase.Succeeded, ReleasePhase.Succeeded);
    assertThat(bench.samples).filteredOn(s -> v2.equals(s.candidateHash()) && s.canaryRouted())
        .isNotEmpty().allSatisfy(s -> assertThat(s.canaryHash()).isEqualTo(v2));
    assertNoUntestedTemplateUnderLiveWeight(bench, v3);
  }

  /** 2.0 committed over a released 1.0, with two quick steps; the gate notes the canary's template at each call. */
  private ReleaseBench released(KubernetesClient client, TestNamespace ns, PrometheusServer prometheus,
      String onNewCandidate) {
    ReleaseBench released = ReleaseBench.gatedRelease(client, ns, gate.url(), prometheus, """
          steps: {weights: [20, 60], interval: 3s}
          onNewCandidate: %s
        """.formatted(onNewCandidate));
    gate.onPost(body -> gateCalls.add(candidateOf(body) + " " + released.canaryHash()));
    return released;
  }

  /**
   * In every state sampled: a canary any route reaches runs the release's own candidate; {@code v3} got
   * weight only after its test route passed; and the gate was only ever asked about the template the
   * canary ran.
   */
  private void assertNoUntestedTemplateUnderLiveWeight(ReleaseBench bench, String v3) {
    assertThat(bench.samples).filteredOn(ReleaseBench.Sample::canaryRouted).isNotEmpty()
        .allSatisfy(s -> assertThat(s.canaryHash()).as("canary under %s after %s", s.routes(), s.step())
            .isEqualTo(s.candidateHash()));
    assertThat(bench.samples).filteredOn(s -> v3.equals(s.canaryHash()) && s.routes() != null
            && s.routes().canaryWeight() > 0).isNotEmpty()
        .allSatisfy(s -> assertThat(s.status().getEvidence()).filteredOn(e -> e.step() == 0)
            .extracting(Evidence::verdict).containsOnly(Verdict.PASS).isNotEmpty());
    assertThat(gateCalls).isNotEmpty().allSatisfy(call -> {
      String[] asked = call.split(" ");
      assertThat(asked[1]).as("the canary when the gate was asked about " + asked[0]).isEqualTo(asked[0]);
    });
    assertThat(gateCalls).anySatisfy(call -> assertThat(call).startsWith(v3));
  }

  private static String candidateOf(String body) {
    try {
      return new ObjectMapper().readTree(body).path("candidate").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
