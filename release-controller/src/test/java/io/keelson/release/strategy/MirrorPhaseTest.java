package io.keelson.release.strategy;

import static io.keelson.release.strategy.StrategyFixtures.V2;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.release.api.Evidence;
import io.keelson.release.api.Mirror;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicySpec;
import io.keelson.release.api.Verdict;
import io.keelson.release.traffic.Routes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The mirrored-traffic phase, tick by tick: between the test route and the first weight, at weight 0. */
class MirrorPhaseTest {

  private ReleaseSimulator sim;

  @BeforeEach
  void startWithStableV1AndAMirroringPolicy() {
    ReleasePolicySpec spec = StrategyFixtures.spec();
    spec.setMirror(new Mirror(40, "2m", List.of("errors")));
    sim = new ReleaseSimulator(spec);
    sim.tick();
    sim.commit(V2, "rev2");
  }

  @Test
  void aGoodCandidatePassesTheTestRouteThenTheMirrorThenTheWeights() {
    sim.runUntil(ReleasePhase.Testing, 5);
    Decision mirroring = sim.runUntil(ReleasePhase.Mirroring, 5);
    assertThat(mirroring.status().getPhase()).isEqualTo(ReleasePhase.Mirroring);
    assertThat(mirroring.routes()).as("copies of 40% of production, no weight, test route kept")
        .isEqualTo(new Routes(0, true, 40));
    assertThat(mirroring.message()).contains("mirroring 40% of production to", "first analysis in 2m");
    assertThat(mirroring.event()).hasValueSatisfying(event -> assertThat(event.to()).isEqualTo(ReleasePhase.Mirroring));
    Instant mirrorStart = Instant.parse(mirroring.status().getStepStartedAt());
    // The mirror's analysis runs the mirror's checks, after the mirror's duration.
    assertThat(ReleaseStrategy.analysis(sim.spec, sim.status)).hasValueSatisfying(request -> {
      assertThat(request.checks()).containsExactly("errors");
      assertThat(request.dueAt()).isEqualTo(mirrorStart.plusSeconds(120));
    });

    Decision step1 = sim.runUntil(ReleasePhase.Progressing, 8);
    assertThat(step1.routes()).as("the mirror ends with the first weight").isEqualTo(new Routes(10, true, 0));
    assertThat(sim.analysedAt).filteredOn(sample -> sample.status().getPhase() == ReleasePhase.Mirroring)
        .as("the mirror was analysed only after its duration").isNotEmpty()
        .allSatisfy(sample -> assertThat(sample.at()).isAfterOrEqualTo(mirrorStart.plusSeconds(120)));
    // The test route's and the mirror's verdicts are both kept, told apart by their windows.
    assertThat(step1.status().getEvidence()).filteredOn(evidence -> evidence.step() == 0)
        .extracting(Evidence::windowStart).contains(mirrorStart.toString()).hasSizeGreaterThan(1);

    Decision succeeded = sim.runUntil(ReleasePhase.Succeeded, 20);
    assertThat(succeeded.status().getPhase()).isEqualTo(ReleasePhase.Succeeded);
  }

  @Test
  void aBreachWhileMirroredRollsBackWithoutTheCanaryEverHavingWeight() {
    sim.verdicts = request -> sim.phase() == ReleasePhase.Mirroring
        ? List.of(new CheckResult("errors", Verdict.FAIL, "q", 0.3, 400L, "error rate 0.3 > 0.05"))
        : StrategyFixtures.passing();
    Decision breach = sim.runUntil(ReleasePhase.RollingBack, 20);
    assertThat(breach.status().getPhase()).isEqualTo(ReleasePhase.RollingBack);
    assertThat(breach.routes()).as("no mirror, no test route, no weight").isEqualTo(Routes.STABLE);
    assertThat(breach.status().getReason()).contains("check errors failed", "error rate 0.3 > 0.05");
    assertThat(breach.event()).hasValueSatisfying(event -> assertThat(event.from()).isEqualTo(ReleasePhase.Mirroring));
    assertThat(sim.runUntil(ReleasePhase.Failed, 3).status().getPhase()).isEqualTo(ReleasePhase.Failed);
    assertThat(sim.samples).extracting(sample -> sample.routes() == null ? 0 : sample.routes().canaryWeight())
        .as("canary weight at every moment").containsOnly(0);
    assertThat(sim.samples).extracting(ReleaseSimulator.Sample::routes)
        .as("mirrored while Mirroring only").contains(new Routes(0, true, 40));
  }

  @Test
  void aMirrorWithoutAStartTimeRestartsItsWindowAndKeepsMirroring() {
    sim.runUntil(ReleasePhase.Mirroring, 10);
    sim.status.setStepStartedAt(null);
    Decision restarted = sim.tick();
    assertThat(restarted.status().getPhase()).isEqualTo(ReleasePhase.Mirroring);
    assertThat(restarted.routes()).isEqualTo(new Routes(0, true, 40));
    assertThat(restarted.message()).contains("mirroring 40% of production", "step restarted; first analysis in 2m");
  }

  @Test
  void withoutATestRouteAReadyCanaryIsMirroredFirst() {
    sim.spec.setTestRoute(null);
    Decision mirroring = sim.runUntil(ReleasePhase.Mirroring, 5);
    assertThat(mirroring.routes()).isEqualTo(new Routes(0, false, 40));
  }

  @Test
  void aPromoteActionWhileMirroredIsAccepted() {
    sim.runUntil(ReleasePhase.Mirroring, 10);
    sim.action = Optional.of(new ManualAction(ManualAction.Kind.PROMOTE, "alice", sim.now));
    assertThat(sim.tick().status().getPhase()).isEqualTo(ReleasePhase.Promoting);
  }
}
