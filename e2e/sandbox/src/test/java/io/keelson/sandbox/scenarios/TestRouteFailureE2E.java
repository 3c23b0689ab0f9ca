package io.keelson.sandbox.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.release.api.Evidence;
import io.keelson.release.api.HistoryEntry;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.Verdict;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TestRouteFailureE2E extends ReleaseScenario {

  @Test
  void whenAVersionBrokenOnlyForHeaderRoutedTestTrafficIsCommitted_thenItStopsAtTheTestPhaseWithoutProductionWeight() {
    String commit = shop.commitCart("simulator.keelson.io/error-rate: \"0\"",
        "simulator.keelson.io/error-rate: \"0\"\n        simulator.keelson.io/header-errors: x-keelson-canary",
        "cart: a version that breaks for test traffic");
    shop.awaitApplied(commit, Duration.ofSeconds(30));
    shop.awaitRelease("the candidate under test", Duration.ofSeconds(60),
        status -> status.getPhase() == ReleasePhase.Testing);

    // While it is tested, a tester's request reaches the canary and fails; a customer's reaches stable.
    HttpRequest tester = HttpRequest.newBuilder(shop.sandbox.mesh().ingressUrl().resolve("/"))
        .header("X-Keelson-Host", ShopSandbox.CART_HOST).header("x-keelson-canary", "cart").build();
    // The status says Testing once the routes are written; the mesh sees them a moment later.
    shop.await("a tester's request reaching the failing canary", Duration.ofSeconds(5),
        () -> shop.send(tester).statusCode() == 500 ? Boolean.TRUE : null);
    assertThat(shop.productionErrorRate(20)).isZero();

    ReleasePolicyStatus failed = shop.awaitRelease("the release failed", Duration.ofSeconds(60),
        status -> status.getPhase() == ReleasePhase.Failed);
    assertThat(shop.maxCanaryWeight()).as("production weight ever given to the canary").isZero();
    assertThat(failed.getHistory()).isNotEmpty();
    HistoryEntry last = failed.getHistory().get(failed.getHistory().size() - 1);
    assertThat(last.phase()).isEqualTo(ReleasePhase.Failed);
    assertThat(failed.getReason()).contains("errors");
    // Every verdict was taken on the test route (step 0), and the failing one is the error check.
    assertThat(failed.getEvidence()).extracting(Evidence::step).containsOnly(0);
    assertThat(failed.getEvidence()).anySatisfy(evidence -> {
      assertThat(evidence.check()).isEqualTo("errors");
      assertThat(evidence.verdict()).isEqualTo(Verdict.FAIL);
    });
    // The test route is gone: the tester's request now reaches stable.
    shop.await("the test route removed", Duration.ofSeconds(10),
        () -> shop.send(tester).statusCode() == 200 ? Boolean.TRUE : null);
  }
}
