package io.keelson.release.strategy;

import io.keelson.release.traffic.Routes;
import static io.keelson.release.strategy.StrategyFixtures.H1;
import static io.keelson.release.strategy.StrategyFixtures.H2;
import static io.keelson.release.strategy.StrategyFixtures.H3;
import static io.keelson.release.strategy.StrategyFixtures.V1;
import static io.keelson.release.strategy.StrategyFixtures.V2;
import static io.keelson.release.strategy.StrategyFixtures.V3;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.release.api.HistoryEntry;
import io.keelson.release.api.OnNewCandidate;
import io.keelson.release.api.ReleaseIdentity;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Whole releases, one tick at a time: decide, apply the decision's routes and status, decide again. */
class ReleaseScenarioTest {

  private ReleaseSimulator sim;

  @BeforeEach
  void startWithStableV1() {
    sim = new ReleaseSimulator(StrategyFixtures.spec());
    sim.tick();
    assertThat(sim.phase()).isEqualTo(ReleasePhase.Idle);
    assertThat(sim.status.getStable()).isEqualTo(new ReleaseIdentity(H1, "rev1", 1));
    sim.commit(V2, "rev2");
  }

  @Test
  void aGoodReleaseStepsThroughTestAndWeightsToSucceeded() {
    assertThat(sim.tick().status().getPhase()).isEqualTo(ReleasePhase.Deploying);
    Decision testing = sim.tick();
    assertThat(testing.status().getPhase()).isEqualTo(ReleasePhase.Testing);
    assertThat(testing.routes()).isEqualTo(new Routes(0, true));
    assertThat(testing.event()).hasValueSatisfying(event -> assertThat(event.to()).isEqualTo(ReleasePhase.Testing));

    Decision step1 = sim.runUntil(ReleasePhase.Progressing, 5);
    assertThat(step1.routes()).isEqualTo(new Routes(10, true));
    Decision step2 = sim.runUntil(ReleasePhase.Progressing, 1);
    assertThat(step2.message()).contains("step 1/2 at 10%: waiting 30s for the next analysis");
    while (sim.status.getStep() == 1) {
      sim.tick();
    }
    assertThat(sim.liveRoutes).isEqualTo(new Routes(50, true));

    Decision promoting = sim.runUntil(ReleasePhase.Promoting, 5);
    assertThat(promoting.routes()).as("make-before-break: the canary keeps its weight").isEqualTo(new Routes(50, true));
    Decision succeeded = sim.runUntil(ReleasePhase.Succeeded, 5);
    assertThat(succeeded.routes()).isEqualTo(Routes.STABLE);
    assertThat(succeeded.status().getStableTemplate()).isEqualTo(V2);
    assertThat(succeeded.status().getStable()).isEqualTo(new ReleaseIdentity(H2, "rev2", 1));
    assertThat(succeeded.status().getCandidate()).isNull();
    assertThat(succeeded.status().getHistory()).extracting(HistoryEntry::phase).containsExactly(ReleasePhase.Succeeded);
    assertThat(sim.analysesRun).extracting(AnalysisRequest::step).containsExactly(0, 1, 2);

    assertThat(sim.tick().message()).contains("succeeded: stable " + H2 + " is what Git declares");
  }

  @Test
  void aBreachAtTheLastStepRollsBackAtOnceAndFailsWithEvidence() {
    sim.verdicts = request -> request.step() == 2
        ? List.of(new CheckResult("errors", Verdict.FAIL, "q", 0.2, 500L, "error rate 0.2 > 0.05"),
            new CheckResult("latency", Verdict.PASS, "p99 100ms <= 500ms"))
        : StrategyFixtures.passing();
    Decision breach = sim.runUntil(ReleasePhase.RollingBack, 20);
    assertThat(breach.status().getStep()).isEqualTo(2);
    assertThat(breach.routes()).isEqualTo(Routes.STABLE);
    assertThat(breach.status().getReason()).contains("check errors failed 1 time(s)", "error rate 0.2 > 0.05");
    assertThat(breach.event()).hasValueSatisfying(event -> assertThat(event.from()).isEqualTo(ReleasePhase.Progressing));

    Decision failed = sim.tick();
    assertThat(failed.status().getPhase()).isEqualTo(ReleasePhase.Failed);
    assertThat(failed.status().getEvidence()).anySatisfy(evidence -> {
      assertThat(evidence.step()).isEqualTo(2);
      assertThat(evidence.verdict()).isEqualTo(Verdict.FAIL);
      assertThat(evidence.value()).isEqualTo(0.2);
    });
    assertThat(failed.status().getHistory()).last().satisfies(entry -> {
      assertThat(entry.phase()).isEqualTo(ReleasePhase.Failed);
      assertThat(entry.release()).isEqualTo(new ReleaseIdentity(H2, "rev2", 1));
      assertThat(entry.reason()).contains("error rate 0.2");
    });
    assertThat(sim.tick().status().getPhase()).as("stays failed while Git declares the candidate")
        .isEqualTo(ReleasePhase.Failed);
    assertThat(sim.status.getStableTemplate()).isEqualTo(V1);
  }

  @Test
  void noTrafficHoldsThenFailsClosedAndIsNeverPromoted() {
    sim.verdicts = request -> request.step() == 0 ? StrategyFixtures.passing()
        : StrategyFixtures.all(Verdict.INCONCLUSIVE, "3 requests < minRequests 20");
    sim.runUntil(ReleasePhase.Progressing, 10);
    assertThat(sim.tick().message()).isEqualTo("step 1/2 at 10%: waiting 30s for the next analysis");
    Decision analysed = sim.tick();
    assertThat(analysed.status().getPhase()).isEqualTo(ReleasePhase.Progressing);
    assertThat(analysed.message()).isEqualTo("step 1/2 at 10%: holding: errors: 3 requests < minRequests 20; "
        + "latency: 3 requests < minRequests 20 (inconclusive for 0s of 3m)");
    assertThat(sim.tick().message())
        .isEqualTo("step 1/2 at 10%: holding (inconclusive for 30s of 3m); waiting 30s for the next analysis");
    Decision end = sim.runUntil(ReleasePhase.Failed, 20);
    assertThat(end.status().getPhase()).isEqualTo(ReleasePhase.Failed);
    assertThat(end.status().getHistory()).last().extracting(HistoryEntry::reason).asString()
        .startsWith("inconclusive for longer than 3m");
    assertThat(sim.decisions).noneMatch(d -> d.status().getPhase() == ReleasePhase.Promoting);
    assertThat(sim.decisions).allMatch(d -> d.routes().canaryWeight() <= 10);
  }

  @Test
  void prometheusDownHoldsTheStepThenFails() {
    sim.verdicts = request -> request.step() == 1
        ? StrategyFixtures.all(Verdict.ERROR, "connection refused") : StrategyFixtures.passing();
    Decision held = sim.runUntil(ReleasePhase.Progressing, 10);
    for (int i = 0; i < 4; i++) {
      held = sim.tick();
    }
    assertThat(held.status().getStep()).isEqualTo(1);
    assertThat(held.message()).contains("holding", "connection refused", "(error for ");
    Decision end = sim.runUntil(ReleasePhase.Failed, 20);
    assertThat(end.status().getHistory()).last().extracting(HistoryEntry::reason).asString()
        .startsWith("Prometheus unreachable for longer than 3m");
    assertThat(sim.decisions).noneMatch(d -> d.status().getPhase() == ReleasePhase.Promoting);
  }

  @Test
  void pauseHoldsTheStepUntilResume() {
    sim.runUntil(ReleasePhase.Progressing, 10);
    sim.action = Optional.of(new ManualAction(ManualAction.Kind.PAUSE, "alice", sim.now));
    Decision paused = sim.tick();
    assertThat(paused.message()).contains("paused by alice");
    for (int i = 0; i < 10; i++) {
      assertThat(sim.tick().status().getStep()).isEqualTo(1);
    }
    assertThat(sim.liveRoutes).isEqualTo(new Routes(10, true));
    assertThat(sim.analysesRun).extracting(AnalysisRequest::step).containsExactly(0);
    sim.action = Optional.of(new ManualAction(ManualAction.Kind.RESUME, "bob", sim.now));
    Decision resumed = sim.tick();
    assertThat(resumed.message()).isEqualTo("step 1/2 at 10%: analysis due (resumed by bob)");
    assertThat(sim.tick().status().getStep()).as("the overdue analysis runs on the next tick").isEqualTo(2);
    assertThat(resumed.status().getActions()).extracting(a -> a.action() + " " + a.by() + " " + a.accepted())
        .containsExactly("PAUSE alice true", "RESUME bob true");
    assertThat(sim.runUntil(ReleasePhase.Succeeded, 20).status().getPhase()).isEqualTo(ReleasePhase.Succeeded);
  }

  @Test
  void abortRollsBackAtOnce() {
    sim.runUntil(ReleasePhase.Progressing, 10);
    sim.action = Optional.of(new ManualAction(ManualAction.Kind.ABORT, "carol", sim.now));
    Decision aborted = sim.tick();
    assertThat(aborted.status().getPhase()).isEqualTo(ReleasePhase.RollingBack);
    assertThat(aborted.routes()).isEqualTo(Routes.STABLE);
    assertThat(sim.tick().status().getPhase()).isEqualTo(ReleasePhase.Failed);
    assertThat(sim.status.getHistory()).last().extracting(HistoryEntry::reason).isEqualTo("aborted by carol");
    assertThat(sim.tick().status().getPhase()).as("the same action is carried out once").isEqualTo(ReleasePhase.Failed);
  }

  @Test
  void retryAfterAFailureReleasesTheSameTemplateAsTheNextAttempt() {
    sim.verdicts = request -> StrategyFixtures.all(Verdict.FAIL, "error rate 0.3 > 0.05");
    sim.runUntil(ReleasePhase.Failed, 20);
    sim.verdicts = request -> StrategyFixtures.passing();
    sim.action = Optional.of(new ManualAction(ManualAction.Kind.RETRY, "dave", sim.now));
    Decision retried = sim.tick();
    assertThat(retried.status().getPhase()).isEqualTo(ReleasePhase.Deploying);
    assertThat(retried.status().getCandidate()).isEqualTo(new ReleaseIdentity(H2, "rev2", 2));
    assertThat(retried.status().getEvidence()).isNull();
    assertThat(retried.status().getFailures()).isZero();
    Decision done = sim.runUntil(ReleasePhase.Succeeded, 30);
    assertThat(done.status().getStable()).isEqualTo(new ReleaseIdentity(H2, "rev2", 2));
    assertThat(done.status().getHistory()).extracting(HistoryEntry::phase)
        .containsExactly(ReleasePhase.Failed, ReleasePhase.Succeeded);
  }

  @Test
  void aNewCandidateSupersedesTheRunningReleaseAfterTrafficIsBackOnStable() {
    sim.runUntil(ReleasePhase.Progressing, 10);
    sim.commit(V3, "rev3");
    Decision superseded = sim.tick();
    assertThat(sim.samples.get(sim.samples.size() - 2)).as("synced before the tick: the canary keeps V2 under 10%")
        .satisfies(sample -> {
          assertThat(sample.routes()).isEqualTo(new Routes(10, true));
          assertThat(sample.canaryHash()).isEqualTo(H2);
        });
    assertThat(superseded.status().getPhase()).isEqualTo(ReleasePhase.RollingBack);
    assertThat(superseded.status().getReason()).isEqualTo("superseded by " + H3);
    assertThat(superseded.routes()).isEqualTo(Routes.STABLE);
    Decision next = sim.tick();
    assertThat(next.status().getPhase()).isEqualTo(ReleasePhase.Deploying);
    assertThat(next.status().getCandidate()).isEqualTo(new ReleaseIdentity(H3, "rev3", 1));
    assertThat(next.status().getEvidence()).as("no evidence of V2 carried into V3's release").isNull();
    assertThat(next.status().getHistory()).last().satisfies(entry -> {
      assertThat(entry.release().templateHash()).isEqualTo(H2);
      assertThat(entry.reason()).isEqualTo("superseded by " + H3);
    });
    assertThat(sim.tick().status().getPhase()).as("V3 starts from the test route").isEqualTo(ReleasePhase.Testing);
    assertThat(sim.runUntil(ReleasePhase.Succeeded, 30).status().getStableTemplate()).isEqualTo(V3);

    assertV3NeverRanUnderLiveWeightUntested();
  }

  @Test
  void aNewCandidateWhilePromotingKeepsStableAndCanaryOnTheReleaseUnderWayUntilTrafficIsBack() {
    sim.runUntil(ReleasePhase.Promoting, 20);
    sim.commit(V3, "rev3");
    Decision superseded = sim.tick();
    assertThat(superseded.status().getPhase()).isEqualTo(ReleasePhase.RollingBack);
    assertThat(sim.runUntil(ReleasePhase.Succeeded, 40).status().getStableTemplate()).isEqualTo(V3);
    assertThat(sim.status.getHistory()).extracting(entry -> entry.release().templateHash() + " " + entry.phase())
        .containsExactly(H2 + " Failed", H3 + " Succeeded");

    assertV3NeverRanUnderLiveWeightUntested();
  }

  @Test
  void withQueueTheReleaseUnderWayFinishesOnItsOwnTemplateThenTheNewOneStartsFromTheTestRoute() {
    sim.spec.setOnNewCandidate(OnNewCandidate.QUEUE);
    sim.runUntil(ReleasePhase.Progressing, 10);
    sim.commit(V3, "rev3");
    Decision queued = sim.tick();
    assertThat(queued.status().getPhase()).isEqualTo(ReleasePhase.Progressing);
    assertThat(queued.message()).contains(H3 + " waits for this release to finish (onNewCandidate: queue)");

    Decision first = sim.runUntil(ReleasePhase.Succeeded, 30);
    assertThat(first.status().getStable()).isEqualTo(new ReleaseIdentity(H2, "rev2", 1));
    assertThat(first.status().getStableTemplate()).isEqualTo(V2);
    assertThat(sim.tick().status().getCandidate()).isEqualTo(new ReleaseIdentity(H3, "rev3", 1));
    assertThat(sim.runUntil(ReleasePhase.Testing, 5).routes()).isEqualTo(new Routes(0, true));
    assertThat(sim.runUntil(ReleasePhase.Succeeded, 30).status().getStableTemplate()).isEqualTo(V3);
    assertThat(sim.status.getHistory()).extracting(entry -> entry.release().templateHash() + " " + entry.phase())
        .containsExactly(H2 + " Succeeded", H3 + " Succeeded");

    assertV3NeverRanUnderLiveWeightUntested();
  }

  @Test
  void aRevertInGitKeepsTheCanaryUntilTrafficIsBackOnStable() {
    sim.runUntil(ReleasePhase.Progressing, 10);
    sim.commit(V1, "rev3");
    Decision reverted = sim.tick();
    assertThat(reverted.status().getPhase()).isEqualTo(ReleasePhase.RollingBack);
    assertThat(reverted.status().getReason()).isEqualTo("Git reverted to the stable template " + H1);
    assertThat(sim.runUntil(ReleasePhase.Idle, 5).status().getCandidate()).isNull();

    assertNoRouteEverReachedAnotherTemplateThanTheCandidate();
    assertThat(sim.samples).last().extracting(ReleaseSimulator.Sample::canaryHash).isNull();
  }

  private void assertV3NeverRanUnderLiveWeightUntested() {
    assertNoRouteEverReachedAnotherTemplateThanTheCandidate();
    assertWeightReachedOnlyAfterTheTestRoutePassed(H3);
    assertEveryAnalysisWindowSawOneCandidate();
  }

  /** Whenever any route (a weight or the test route) reached the canary, it ran the release's own candidate. */
  private void assertNoRouteEverReachedAnotherTemplateThanTheCandidate() {
    assertThat(sim.samples).filteredOn(sample -> sample.routes() != null && !sample.routes().allStable())
        .isNotEmpty()
        .allSatisfy(sample -> assertThat(sample.canaryHash()).as("the canary at %s, routed %s", sample.at(),
            sample.routes()).isEqualTo(sample.candidateHash()));
  }

  /** The canary running {@code candidate} got weight only once its test route stage had passed. */
  private void assertWeightReachedOnlyAfterTheTestRoutePassed(String candidate) {
    assertThat(sim.samples).filteredOn(sample -> candidate.equals(sample.canaryHash())
            && sample.routes() != null && sample.routes().canaryWeight() > 0)
        .isNotEmpty()
        .allSatisfy(sample -> assertThat(sample.status().getEvidence()).filteredOn(e -> e.step() == 0)
            .as("test route evidence of %s", candidate).isNotEmpty()
            .allSatisfy(e -> assertThat(e.verdict()).isEqualTo(Verdict.PASS)));
  }

  /** Each analysis judged a window throughout which the canary ran the candidate it judged, and that one only. */
  private void assertEveryAnalysisWindowSawOneCandidate() {
    for (int i = 0; i < sim.analysesRun.size(); i++) {
      ReleaseSimulator.Sample analysed = sim.analysedAt.get(i);
      Instant windowStart = sim.analysesRun.get(i).windowStart();
      assertThat(sim.samples).filteredOn(sample -> !sample.at().isBefore(windowStart)
              && !sample.at().isAfter(analysed.at()))
          .isNotEmpty()
          .allSatisfy(sample -> assertThat(sample.canaryHash()).as("the canary at %s, in the window of %s",
              sample.at(), analysed.candidateHash()).isEqualTo(analysed.candidateHash()));
    }
  }

  @Test
  void aRestartedControllerResumesAtTheSameStep() throws Exception {
    sim.verdicts = request -> request.step() == 1
        ? StrategyFixtures.all(Verdict.INCONCLUSIVE, "5 requests < minRequests 20") : StrategyFixtures.passing();
    sim.runUntil(ReleasePhase.Progressing, 10);
    sim.tick();
    sim.tick();
    sim.tick();
    ReleasePolicyStatus before = sim.status;
    assertThat(before.getInconclusiveSince()).isNotNull();

    ObjectMapper mapper = new ObjectMapper();
    ReleasePolicyStatus restored = mapper.readValue(mapper.writeValueAsString(before), ReleasePolicyStatus.class);
    assertThat(restored).isEqualTo(before);
    ReleaseSimulator twin = copyOf(sim, restored);

    Decision original = sim.tick();
    Decision resumed = twin.tick();
    assertThat(resumed).isEqualTo(original);
    assertThat(resumed.status().getStep()).isEqualTo(1);
    assertThat(resumed.status().getInconclusiveSince()).isEqualTo(before.getInconclusiveSince());
  }

  @Test
  void everyTickIsIdempotentAndLeavesItsInputAlone() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    while (sim.status.getPhase() != ReleasePhase.Succeeded) {
      ReleasePolicyStatus status = sim.status;
      String json = mapper.writeValueAsString(status);
      Instant now = sim.now;
      Decision first = sim.tick();
      assertThat(mapper.writeValueAsString(status)).as("the input status is never changed").isEqualTo(json);
      assertThat(ReleaseStrategy.decide(sim.spec, status, sim.lastObservation, now)).isEqualTo(first);
      assertThat(sim.decisions).hasSizeLessThan(30);
    }
  }

  private static ReleaseSimulator copyOf(ReleaseSimulator from, ReleasePolicyStatus status) {
    ReleaseSimulator twin = new ReleaseSimulator(from.spec);
    twin.status = status;
    twin.now = from.now;
    twin.git = from.git;
    twin.revision = from.revision;
    twin.liveRoutes = from.liveRoutes;
    twin.verdicts = from.verdicts;
    twin.sameWorkloadsAs(from);
    return twin;
  }
}
