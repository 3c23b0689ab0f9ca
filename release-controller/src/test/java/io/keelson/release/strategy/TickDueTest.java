package io.keelson.release.strategy;

import static io.keelson.release.strategy.StrategyFixtures.T0;
import static io.keelson.release.strategy.StrategyFixtures.releasing;
import static io.keelson.release.strategy.StrategyFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicySpec;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.Sequential;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** When the clock alone makes a release's next tick due (fixtures: interval 1m, test route for 1m). */
class TickDueTest {


  @Test
  void aStepIsTickedWhenItsWindowEndsAndTheAnalysisIsThenDue() {
    ReleasePolicySpec spec = spec();
    ReleasePolicyStatus status = releasing(ReleasePhase.Progressing, 1, 10, T0);

    Instant due = TickDue.next(spec, status, T0.plusSeconds(1)).orElseThrow();

    assertThat(due).isEqualTo(T0.plusSeconds(60));
    AnalysisRequest request = ReleaseStrategy.analysis(spec, status).orElseThrow();
    assertThat(request.dueBy(due)).as("the tick at that moment runs the analysis").isTrue();
    assertThat(request.dueBy(due.minusMillis(1))).isFalse();
  }

  @Test
  void afterAnAnalysisTheNextIsOneIntervalLater() {
    ReleasePolicyStatus status = releasing(ReleasePhase.Progressing, 1, 10, T0);
    status.setAnalyzedAt(T0.plusSeconds(62).toString());

    assertThat(TickDue.next(spec(), status, T0.plusSeconds(62))).contains(T0.plusSeconds(122));
  }

  @Test
  void theTestRouteIsAnalysedAtTheEndOfItsDuration() {
    ReleasePolicySpec spec = spec();
    spec.setTestRoute(new io.keelson.release.api.TestRoute("x-canary", spec.getTestRoute().match(), "20s", null,
        null));

    assertThat(TickDue.next(spec, releasing(ReleasePhase.Testing, 0, 0, T0), T0))
        .contains(T0.plusSeconds(20));
  }

  @Test
  void withASequentialTestEveryLookIsTicked() {
    ReleasePolicySpec spec = spec();
    spec.setSequential(new Sequential(null, "15s", null));
    ReleasePolicyStatus status = releasing(ReleasePhase.Progressing, 1, 10, T0);

    assertThat(TickDue.next(spec, status, T0)).contains(T0.plusSeconds(15));
    assertThat(TickDue.next(spec, status, T0.plusSeconds(15))).contains(T0.plusSeconds(30));
    assertThat(TickDue.next(spec, status, T0.plusSeconds(31))).contains(T0.plusSeconds(45));
    spec.setSequential(new Sequential(null, "45s", null));
    assertThat(TickDue.next(spec, status, T0.plusSeconds(50)))
        .as("the window's end comes before the next look").contains(T0.plusSeconds(60));
  }

  @Test
  void anOverdueAnalysisIsDueAtOnce() {
    ReleasePolicyStatus status = releasing(ReleasePhase.Progressing, 1, 10, T0);

    assertThat(TickDue.next(spec(), status, T0.plusSeconds(300))).contains(T0.plusSeconds(60));
  }

  @Test
  void deployingAndPromotingAreTickedJustAfterTheirProgressDeadline() {
    ReleasePolicySpec spec = spec();
    spec.setProgressDeadline("2m");
    ReleasePolicyStatus deploying = releasing(ReleasePhase.Deploying, null, 0, null);
    ReleasePolicyStatus promoting = releasing(ReleasePhase.Promoting, 2, 50, T0.plusSeconds(600));

    assertThat(TickDue.next(spec, deploying, T0.plusSeconds(5)))
        .contains(T0.plusSeconds(120).plusMillis(1));
    assertThat(TickDue.next(spec, promoting, T0.plusSeconds(601)))
        .contains(T0.plusSeconds(720).plusMillis(1));
  }

  @ParameterizedTest
  @EnumSource(value = ReleasePhase.class, names = {"Idle", "RollingBack", "Succeeded", "Failed"})
  void phasesThatWaitOnTheClusterOrGitHaveNoTimedTick(ReleasePhase phase) {
    assertThat(TickDue.next(spec(), releasing(phase, 1, 10, T0), T0)).isEmpty();
  }

  @Test
  void aPausedReleaseWaitsForAnAction() {
    ReleasePolicyStatus status = releasing(ReleasePhase.Progressing, 1, 10, T0);
    status.setPaused(true);

    assertThat(TickDue.next(spec(), status, T0)).isEmpty();
    assertThat(TickDue.next(spec(), null, T0)).isEqualTo(Optional.empty());
  }
}
