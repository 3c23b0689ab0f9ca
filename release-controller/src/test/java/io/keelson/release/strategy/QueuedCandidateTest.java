package io.keelson.release.strategy;

import static io.keelson.release.strategy.StrategyFixtures.H2;
import static io.keelson.release.strategy.StrategyFixtures.H3;
import static io.keelson.release.strategy.StrategyFixtures.T0;
import static io.keelson.release.strategy.StrategyFixtures.V2;
import static io.keelson.release.strategy.StrategyFixtures.V3;
import static io.keelson.release.strategy.StrategyFixtures.releasing;
import static io.keelson.release.strategy.StrategyFixtures.release;
import static io.keelson.release.strategy.StrategyFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.release.api.OnNewCandidate;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicySpec;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.deploy.ReleaseAwareRender.ReleaseState;
import io.keelson.release.traffic.Routes;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** With onNewCandidate: queue, the release under way finishes with its own template; the newer one waits. */
class QueuedCandidateTest {

  @Test
  void aNewReleaseRecordsItsTemplateSoRenderCanKeepTheCanaryOnIt() {
    ReleasePolicyStatus idle = releasing(ReleasePhase.Succeeded, null, 0, null);
    idle.setCandidate(null);

    Decision decision = ReleaseStrategy.decide(spec(), idle, new Observation(release(ReleaseState.CANARY, V2,
        StrategyFixtures.H1), "rev2", false, true, false, Routes.STABLE, List.of(), Optional.empty()), T0);

    assertThat(decision.status().getPhase()).isEqualTo(ReleasePhase.Deploying);
    assertThat(decision.status().getCandidateTemplate()).isEqualTo(V2);
  }

  @Test
  void promotionReleasesTheTemplateUnderWayNotTheQueuedOne() {
    ReleasePolicySpec spec = spec();
    spec.setOnNewCandidate(OnNewCandidate.QUEUE);
    ReleasePolicyStatus promoting = releasing(ReleasePhase.Promoting, 2, 50, T0);
    promoting.setCandidateTemplate(V2);
    // Git has moved on to V3 meanwhile; render still promotes V2.
    Observation stableRolled = new Observation(release(ReleaseState.PROMOTING, V3, StrategyFixtures.H1), "rev3",
        true, true, true, new Routes(50, true), List.of(), Optional.empty());

    Decision decision = ReleaseStrategy.decide(spec, promoting, stableRolled, T0.plusSeconds(30));

    assertThat(decision.status().getPhase()).isEqualTo(ReleasePhase.Succeeded);
    assertThat(decision.status().getStableTemplate()).isEqualTo(V2);
    assertThat(decision.status().getStable().templateHash()).isEqualTo(H2);
    assertThat(decision.status().getCandidateTemplate()).isNull();
    assertThat(decision.routes()).isEqualTo(Routes.STABLE);
    assertThat(H3).isNotEqualTo(H2);
  }
}
