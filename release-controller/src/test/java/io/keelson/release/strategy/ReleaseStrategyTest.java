package io.keelson.release.strategy;

import io.keelson.release.traffic.Routes;
import static io.keelson.release.api.ReleasePhase.Deploying;
import static io.keelson.release.api.ReleasePhase.Failed;
import static io.keelson.release.api.ReleasePhase.Idle;
import static io.keelson.release.api.ReleasePhase.Progressing;
import static io.keelson.release.api.ReleasePhase.Promoting;
import static io.keelson.release.api.ReleasePhase.RollingBack;
import static io.keelson.release.api.ReleasePhase.Succeeded;
import static io.keelson.release.api.ReleasePhase.Testing;
import static io.keelson.release.deploy.ReleaseAwareRender.ReleaseState.CANARY;
import static io.keelson.release.deploy.ReleaseAwareRender.ReleaseState.HELD_BACK;
import static io.keelson.release.deploy.ReleaseAwareRender.ReleaseState.PROMOTING;
import static io.keelson.release.deploy.ReleaseAwareRender.ReleaseState.STEADY;
import static io.keelson.release.deploy.ReleaseAwareRender.ReleaseState.UNRELEASED;
import static io.keelson.release.strategy.StrategyFixtures.H1;
import static io.keelson.release.strategy.StrategyFixtures.H2;
import static io.keelson.release.strategy.StrategyFixtures.H3;
import static io.keelson.release.strategy.StrategyFixtures.V1;
import static io.keelson.release.strategy.StrategyFixtures.V2;
import static io.keelson.release.strategy.StrategyFixtures.V3;
import static io.keelson.release.strategy.StrategyFixtures.all;
import static io.keelson.release.strategy.StrategyFixtures.passing;
import static io.keelson.release.strategy.StrategyFixtures.release;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.release.api.ActionRecord;
import io.keelson.release.api.Evidence;
import io.keelson.release.api.FailureCounting;
import io.keelson.release.api.HistoryEntry;
import io.keelson.release.api.OnNewCandidate;
import io.keelson.release.api.ReleaseIdentity;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicySpec;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.SequentialEvidence;
import io.keelson.release.api.TestRoute;
import io.keelson.release.api.Verdict;
import io.keelson.release.deploy.ReleaseAwareRender.Release;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The transition table, one row per rule: given a policy, a status and an observation, the decision. */
class ReleaseStrategyTest {

  private static final Instant NOW = StrategyFixtures.T0.plus(Duration.ofHours(1));
  private static final Routes TEN = new Routes(10, true);
  private static final Routes FIFTY = new Routes(50, true);

  /**
   * One transition.
   *
   * @param name what the row shows
   * @param spec the policy, adjusted from {@link StrategyFixtures#spec()}
   * @param status the status before the tick
   * @param observation what the tick saw
   * @param phase the phase after it
   * @param routes the routes it asks for
   * @param message a fragment of its message
   * @param more further expectations on the decision
   */
  record Row(String name, UnaryOperator<ReleasePolicySpec> spec, ReleasePolicyStatus status, Observation observation,
      ReleasePhase phase, Routes routes, String message, Consumer<Decision> more) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> table() {
    return Stream.of(
        row("UNRELEASED records the Git template as stable", null, obs(release(UNRELEASED, V1, null), null),
            Idle, Routes.STABLE, "recorded " + H1 + " as the stable template", d -> {
              assertThat(d.status().getStableTemplate()).isEqualTo(V1);
              assertThat(d.status().getStable()).isEqualTo(new ReleaseIdentity(H1, "rev2", 1));
            }),
        row("STEADY stays idle", idle(), steady(), Idle, Routes.STABLE, "idle: stable " + H1, d -> {}),
        row("STEADY after a success stays succeeded", with(idle(), s -> s.setPhase(Succeeded)), steady(),
            Succeeded, Routes.STABLE, "succeeded: stable", d -> {}),
        row("a render from before the promotion does not release the promoted template again", succeeded(),
            obs(canary(), Routes.STABLE), Succeeded, Routes.STABLE, "succeeded: stable " + H2 + " is what Git declares",
            d -> assertThat(d.status()).isEqualTo(succeeded())),
        row("a render from before the first release does not record it again", succeeded(),
            obs(release(UNRELEASED, V2, null), Routes.STABLE), Succeeded, Routes.STABLE,
            "succeeded: stable " + H2 + " is what Git declares", d -> assertThat(d.status()).isEqualTo(succeeded())),
        row("CANARY starts a new release", idle(), obs(canary(), Routes.STABLE), Deploying, Routes.STABLE,
            "deploying " + H2 + " (attempt 1)", d -> {
              assertThat(d.status().getCandidate()).isEqualTo(new ReleaseIdentity(H2, "rev2", 1));
              assertThat(d.status().getReleaseStartedAt()).isEqualTo(NOW.toString());
              assertThat(d.status().getFailures()).isZero();
              assertThat(d.status().getEvidence()).isNull();
              assertThat(d.event()).hasValueSatisfying(e -> assertThat(e.to()).isEqualTo(Deploying));
            }),
        row("a template released before is the next attempt", with(idle(), s -> s.recordHistory(
                new HistoryEntry(new ReleaseIdentity(H2, "rev2", 1), Failed, NOW.toString(), "breach"))),
            obs(canary(), Routes.STABLE), Deploying, Routes.STABLE, "(attempt 2)",
            d -> assertThat(d.status().getCandidate().attempt()).isEqualTo(2)),
        row("Deploying waits for the canary", deploying(), notReady(obs(canary(), Routes.STABLE)), Deploying,
            Routes.STABLE, "waiting for the canary to become ready (1h of 2h)", d -> {},
            spec -> deadline(spec, "2h")),
        row("Deploying past the deadline fails", deploying(), notReady(obs(canary(), Routes.STABLE)), Failed,
            Routes.STABLE, "canary not ready within 10m",
            d -> assertThat(d.status().getHistory()).last().extracting(HistoryEntry::reason)
                .isEqualTo("canary not ready within 10m")),
        row("a ready canary starts the test route", deploying(), obs(canary(), Routes.STABLE), Testing,
            new Routes(0, true), "testing " + H2 + " via header x-canary: test route on", d -> {
              assertThat(d.status().getStep()).isZero();
              assertThat(d.status().getStepStartedAt()).isEqualTo(NOW.toString());
              assertThat(d.analysis()).hasValueSatisfying(a -> assertThat(a.dueAt()).isEqualTo(NOW.plusSeconds(60)));
            }),
        row("without a test route a ready canary gets the first weight", deploying(),
            obs(canary(), Routes.STABLE), Progressing, new Routes(10, false), "step 1/2 at 10%",
            d -> assertThat(d.status().getStep()).isEqualTo(1), spec -> {
              spec.setTestRoute(null);
              return spec;
            }),
        row("Testing waits out the test duration", testing(30), obs(canary(), new Routes(0, true), passing()),
            Testing, new Routes(0, true), "testing " + H2 + " via header x-canary: waiting 30s for the next analysis",
            d -> assertThat(d.status().getEvidence()).isNull()),
        row("Testing passes to the first weight, header route kept", testing(60),
            obs(canary(), new Routes(0, true), passing()), Progressing, TEN, "step 1/2 at 10%: all 2 check(s) passed",
            d -> assertThat(d.status().getEvidence()).extracting(Evidence::step).containsOnly(0)),
        row("Testing needs only the checks the test route names", testing(60),
            obs(canary(), new Routes(0, true), List.of(new CheckResult("errors", Verdict.PASS, "ok"))),
            Progressing, TEN, "all 1 check(s) passed", d -> {}, spec -> testChecks(spec, List.of("errors"), null)),
        row("Testing with a webhook gate needs its verdict", testing(60),
            obs(canary(), new Routes(0, true), passing()), Testing, new Routes(0, true),
            "testRoute.webhook: no verdict (inconclusive for 0s of 3m)", d -> {},
            spec -> testChecks(spec, null, "https://qa.example/gate")),
        row("a passed step steps the weight up", progressing(1, 10, 60), obs(canary(), TEN, passing()), Progressing,
            FIFTY, "step 2/2 at 50%: all 2 check(s) passed; next analysis in 1m", d -> {
              assertThat(d.status().getStepStartedAt()).isEqualTo(NOW.toString());
              assertThat(d.event()).hasValueSatisfying(e -> assertThat(e.step()).isEqualTo(2));
            }),
        row("the last step passed promotes, canary keeps its weight", progressing(2, 50, 60),
            obs(canary(), FIFTY, passing()), Promoting, FIFTY, "all 2 steps passed; stable rolls out the candidate",
            d -> assertThat(d.event()).hasValueSatisfying(e -> assertThat(e.to()).isEqualTo(Promoting))),
        row("a manual gate waits for a promote action", progressing(2, 50, 60), obs(canary(), FIFTY, passing()),
            Progressing, FIFTY, "step 2/2 at 50%: passed; waiting for a promote action (manualGate)",
            d -> assertThat(d.status().getAwaitingPromotion()).isTrue(), spec -> {
              spec.setManualGate(true);
              return spec;
            }),
        row("a FAIL at the threshold rolls back at once", progressing(1, 10, 60),
            obs(canary(), TEN, failing()), RollingBack, Routes.STABLE,
            "rolling back " + H2 + ": check errors failed 1 time(s), threshold 1: error rate 0.2 > 0.05", d -> {
              assertThat(d.status().getFailures()).isEqualTo(1);
              assertThat(d.status().getEvidence()).anyMatch(e -> e.verdict() == Verdict.FAIL);
            }),
        row("a FAIL below the threshold holds the step", progressing(1, 10, 60), obs(canary(), TEN, failing()),
            Progressing, TEN, "holding: check errors failed (1 of threshold 2)",
            d -> assertThat(d.status().getFailuresByCheck()).isEqualTo(Map.of("errors", 1)), spec -> threshold(spec,
                FailureCounting.CONSECUTIVE)),
        row("consecutive counting: a PASS resets the check", failedOnce(progressing(1, 10, 60)),
            obs(canary(), TEN, passing()), Progressing, FIFTY, "step 2/2", d -> {
              assertThat(d.status().getFailuresByCheck()).isNull();
              assertThat(d.status().getFailures()).isZero();
            }, spec -> threshold(spec, FailureCounting.CONSECUTIVE)),
        row("cumulative counting: a PASS keeps the count", failedOnce(progressing(1, 10, 60)),
            obs(canary(), TEN, passing()), Progressing, FIFTY, "step 2/2",
            d -> assertThat(d.status().getFailures()).isEqualTo(1), spec -> threshold(spec, FailureCounting.CUMULATIVE)),
        row("cumulative counting: the second FAIL breaches", failedOnce(progressing(1, 10, 60)),
            obs(canary(), TEN, failing()), RollingBack, Routes.STABLE, "failed 2 time(s), threshold 2",
            d -> {}, spec -> threshold(spec, FailureCounting.CUMULATIVE)),
        row("INCONCLUSIVE holds within the budget", progressing(1, 10, 60),
            obs(canary(), TEN, all(Verdict.INCONCLUSIVE, "3 requests < minRequests 20")), Progressing, TEN,
            "holding: errors: 3 requests < minRequests 20; latency: 3 requests < minRequests 20 (inconclusive for 0s of 3m)",
            d -> assertThat(d.status().getInconclusiveSince()).isEqualTo(NOW.toString())),
        row("INCONCLUSIVE past the budget rolls back", holdingSince(progressing(1, 10, 300), false, 181),
            obs(canary(), TEN, all(Verdict.INCONCLUSIVE, "0 requests < minRequests 20")), RollingBack,
            Routes.STABLE, "inconclusive for longer than 3m: errors: 0 requests", d -> {}),
        row("ERROR past the budget rolls back", holdingSince(progressing(1, 10, 300), true, 121),
            obs(canary(), TEN, all(Verdict.ERROR, "connection refused")), RollingBack, Routes.STABLE,
            "Prometheus unreachable for longer than 2m: errors: connection refused", d -> {}, spec -> {
              spec.setErrorBudget("2m");
              return spec;
            }),
        row("a webhook gate without an answer past the budget rolls back", holdingSince(testing(300), true, 121),
            obs(canary(), new Routes(0, true), List.of(new CheckResult("errors", Verdict.PASS, "ok"),
                new CheckResult(ReleaseStrategy.WEBHOOK_CHECK, Verdict.ERROR, "webhook unreachable: connection refused"))),
            RollingBack, Routes.STABLE, "test-route webhook unreachable for longer than 2m: testRoute.webhook: "
                + "webhook unreachable: connection refused", d -> {}, spec -> {
              spec.setErrorBudget("2m");
              return testChecks(spec, List.of("errors"), "https://qa.example/gate");
            }),
        row("a webhook gate answering 2xx passes the test route", testing(60),
            obs(canary(), new Routes(0, true), List.of(new CheckResult("errors", Verdict.PASS, "ok"),
                new CheckResult(ReleaseStrategy.WEBHOOK_CHECK, Verdict.PASS, "webhook answered 200"))),
            Progressing, TEN, "all 2 check(s) passed", d -> {},
            spec -> testChecks(spec, List.of("errors"), "https://qa.example/gate")),
        row("Promoting waits for stable, canary keeps its weight", promoting(), obs(release(PROMOTING, V2, H1), FIFTY),
            Promoting, FIFTY, "stable is rolling out the candidate; the canary keeps 50%", d -> {}),
        row("Promoting completes once stable runs the candidate", promoting(),
            stableRolled(obs(release(PROMOTING, V2, H1), FIFTY)), Succeeded, Routes.STABLE,
            "succeeded: stable runs " + H2, d -> {
              assertThat(d.status().getStableTemplate()).isEqualTo(V2);
              assertThat(d.status().getStable()).isEqualTo(new ReleaseIdentity(H2, "rev2", 1));
              assertThat(d.status().getCandidate()).isNull();
              assertThat(d.status().getHistory()).last().extracting(HistoryEntry::phase).isEqualTo(Succeeded);
            }),
        row("RollingBack waits for the live routes", rollingBack("breach"), obs(release(HELD_BACK, V2, H1), TEN),
            RollingBack, Routes.STABLE, "waiting for the routes to send all traffic to stable (live: 10% canary",
            d -> {}),
        row("RollingBack with no routing object is not confirmed", rollingBack("breach"),
            obs(release(HELD_BACK, V2, H1), null), RollingBack, Routes.STABLE, "no routing object", d -> {}),
        row("RollingBack fails once routes confirm", rollingBack("breach"),
            obs(release(HELD_BACK, V2, H1), Routes.STABLE), Failed, Routes.STABLE, "failed: " + H2
                + " rolled back: breach", d -> {
              assertThat(d.status().getHistory()).last().satisfies(h -> {
                assertThat(h.phase()).isEqualTo(Failed);
                assertThat(h.finishedAt()).isEqualTo(NOW.toString());
                assertThat(h.reason()).isEqualTo("breach");
              });
              assertThat(d.status().getCandidate().templateHash()).isEqualTo(H2);
            }),
        row("a superseded rollback starts the new candidate", rollingBack("superseded by " + H3),
            obs(release(CANARY, V3, H1), Routes.STABLE), Deploying, Routes.STABLE, "deploying " + H3, d -> {
              assertThat(d.status().getCandidate().templateHash()).isEqualTo(H3);
              assertThat(d.status().getHistory()).last().extracting(h -> h.release().templateHash()).isEqualTo(H2);
            }),
        row("Failed stays failed while Git declares the candidate", failed(), obs(release(HELD_BACK, V2, H1),
            Routes.STABLE), Failed, Routes.STABLE, "breach; change the template in Git or retry", d -> {}),
        row("a revert in Git after a failure goes idle", failed(), steady(), Idle, Routes.STABLE,
            "idle: Git declares the stable template " + H1 + " again",
            d -> assertThat(d.status().getCandidate()).isNull()),
        row("a new template after a failure starts a release", failed(), obs(release(CANARY, V3, H1),
            Routes.STABLE), Deploying, Routes.STABLE, "deploying " + H3 + " (attempt 1)", d -> {}),
        row("a new candidate supersedes a release in progress", progressing(1, 10, 30),
            obs(release(CANARY, V3, H1), TEN), RollingBack, Routes.STABLE, "superseded by " + H3,
            d -> assertThat(d.status().getReason()).isEqualTo("superseded by " + H3)),
        row("a new candidate is queued when the policy says so", progressing(1, 10, 30),
            obs(release(CANARY, V3, H1), TEN), Progressing, TEN,
            "(" + H3 + " waits for this release to finish (onNewCandidate: queue))", d -> {}, spec -> {
              spec.setOnNewCandidate(OnNewCandidate.QUEUE);
              return spec;
            }),
        row("a revert in Git during a release rolls back", progressing(1, 10, 30), obs(release(STEADY, V1, H1), TEN),
            RollingBack, Routes.STABLE, "Git reverted to the stable template " + H1, d -> {}),
        row("a revert while render keeps the canary under weight rolls back", progressing(1, 10, 30),
            obs(release(CANARY, V1, H1), TEN), RollingBack, Routes.STABLE,
            "Git reverted to the stable template " + H1, d -> {}),
        row("PAUSE holds the routes", progressing(1, 10, 30), act(obs(canary(), TEN), ManualAction.Kind.PAUSE, "alice"),
            Progressing, TEN, "step 1/2 at 10%: paused by alice", d -> {
              assertThat(d.status().getPaused()).isTrue();
              assertThat(d.analysis()).isEmpty();
              assertThat(d.status().getActions()).containsExactly(new ActionRecord("PAUSE", "alice",
                  NOW.toString(), true, "step 1/2 at 10%: paused by alice"));
            }),
        row("paused: a due analysis does not move the step", with(progressing(1, 10, 600), s -> s.setPaused(true)),
            obs(canary(), TEN, passing()), Progressing, TEN, "paused; a resume action continues the release",
            d -> assertThat(d.status().getStep()).isEqualTo(1)),
        row("RESUME continues", with(progressing(1, 10, 30), s -> s.setPaused(true)),
            act(obs(canary(), TEN), ManualAction.Kind.RESUME, "bob"), Progressing, TEN, "waiting 30s for the next "
                + "analysis (resumed by bob)", d -> assertThat(d.status().getPaused()).isNull()),
        row("ABORT rolls back", progressing(1, 10, 30), act(obs(canary(), TEN), ManualAction.Kind.ABORT, "carol"),
            RollingBack, Routes.STABLE, "aborted by carol", d -> {}),
        row("PROMOTE skips the remaining steps", progressing(1, 10, 30),
            act(obs(canary(), TEN), ManualAction.Kind.PROMOTE, "dave"), Promoting, TEN, "promoted by dave", d -> {}),
        row("PROMOTE is refused while the step has a FAIL", progressing(1, 10, 30),
            act(obs(canary(), TEN, failing()), ManualAction.Kind.PROMOTE, "dave"), Progressing, TEN,
            "PROMOTE by dave refused: step 1 has a failed check",
            d -> assertThat(d.status().getActions()).extracting(ActionRecord::accepted).containsExactly(false),
            spec -> threshold(spec, FailureCounting.CONSECUTIVE)),
        row("PROMOTE is refused while deploying", deploying(), notReady(act(obs(canary(), Routes.STABLE),
            ManualAction.Kind.PROMOTE, "dave")), Deploying, Routes.STABLE, "refused: only a release testing,"
                + " mirroring or progressing can be promoted", d -> {}, spec -> deadline(spec, "2h")),
        row("RETRY releases a failed candidate again", failed(), act(obs(release(HELD_BACK, V2, H1),
            Routes.STABLE), ManualAction.Kind.RETRY, "erin"), Deploying, Routes.STABLE,
            "deploying " + H2 + " (attempt 2): retried by erin",
            d -> assertThat(d.status().getCandidate()).isEqualTo(new ReleaseIdentity(H2, "rev2", 2))),
        row("RETRY is refused outside Failed", progressing(1, 10, 30),
            act(obs(canary(), TEN), ManualAction.Kind.RETRY, "erin"), Progressing, TEN,
            "RETRY by erin refused", d -> {}),
        row("an action already handled is not carried out again", with(progressing(1, 10, 30),
                s -> s.recordAction(new ActionRecord("ABORT", "carol", NOW.toString(), true, "aborted by carol"))),
            act(obs(canary(), TEN), ManualAction.Kind.ABORT, "carol"), Progressing, TEN, "step 1/2 at 10%",
            d -> assertThat(d.status().getActions()).hasSize(1)),
        row("a target missing from Git holds", progressing(1, 10, 30), obs(null, TEN), Progressing, TEN,
            "not declared in Git", d -> {}),
        row("a sequential rejection rolls back mid-interval, whatever the failure threshold", progressing(1, 10, 30),
            sequential(obs(canary(), TEN), look(1, 30, 250.0, true)), RollingBack, Routes.STABLE,
            "sequential test of errors rejected the canary: e-value 250.0 reached", d -> {
              assertThat(d.status().getReason()).startsWith("sequential test of errors rejected the canary");
              assertThat(d.status().getSequential()).containsExactly(look(1, 30, 250.0, true));
            }, spec -> threshold(spec, FailureCounting.CONSECUTIVE)),
        row("a sequential rejection during the test route rolls back", testing(20),
            sequential(obs(canary(), new Routes(0, true)), look(0, 20, 250.0, true)), RollingBack, Routes.STABLE,
            "sequential test of errors rejected the canary", d -> {}),
        row("a sequential test below its boundary is recorded and the step waits", progressing(1, 10, 30),
            sequential(obs(canary(), TEN), look(1, 30, 3.2, false)), Progressing, TEN,
            "waiting 30s for the next analysis; sequential errors e-value 3.2 of 100",
            d -> assertThat(d.status().getSequential()).containsExactly(look(1, 30, 3.2, false))),
        row("an unchanged e-value keeps the look that set it on record",
            with(progressing(1, 10, 30), s -> s.setSequential(List.of(lookedAt(look(1, 30, 3.2, false), 20)))),
            sequential(obs(canary(), TEN), look(1, 30, 3.2, false)), Progressing, TEN, "e-value 3.2 of 100",
            d -> assertThat(d.status().getSequential()).containsExactly(lookedAt(look(1, 30, 3.2, false), 20))),
        row("a look at another step's window is not this step's evidence", progressing(1, 10, 30),
            sequential(obs(canary(), TEN), look(0, 90, 250.0, true)), Progressing, TEN, "waiting 30s",
            d -> assertThat(d.status().getSequential()).isNull()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decides(Row row) {
    ReleasePolicyStatus input = row.status();
    String before = String.valueOf(input == null ? null : input.hashCode());
    Decision decision = ReleaseStrategy.decide(row.spec().apply(StrategyFixtures.spec()), input, row.observation(),
        NOW);
    assertThat(decision.status().getPhase()).isEqualTo(row.phase());
    assertThat(decision.routes()).isEqualTo(row.routes());
    assertThat(decision.message()).contains(row.message());
    row.more().accept(decision);
    assertThat(String.valueOf(input == null ? null : input.hashCode())).as("the input status is unchanged")
        .isEqualTo(before);
  }

  // Rows, statuses and observations.

  private static Row row(String name, ReleasePolicyStatus status, Observation observation, ReleasePhase phase,
      Routes routes, String message, Consumer<Decision> more) {
    return row(name, status, observation, phase, routes, message, more, UnaryOperator.identity());
  }

  private static Row row(String name, ReleasePolicyStatus status, Observation observation, ReleasePhase phase,
      Routes routes, String message, Consumer<Decision> more, UnaryOperator<ReleasePolicySpec> spec) {
    return new Row(name, spec, status, observation, phase, routes, message, more);
  }

  private static ReleasePolicyStatus with(ReleasePolicyStatus status, Consumer<ReleasePolicyStatus> change) {
    change.accept(status);
    return status;
  }

  private static ReleasePolicyStatus idle() {
    ReleasePolicyStatus status = new ReleasePolicyStatus();
    status.setPhase(Idle);
    status.setStable(new ReleaseIdentity(H1, "rev1", 1));
    status.setStableTemplate(V1);
    status.setCanaryWeight(0);
    return status;
  }

  /** V2 promoted over V1. */
  private static ReleasePolicyStatus succeeded() {
    return with(idle(), s -> {
      s.setPhase(Succeeded);
      s.setStable(new ReleaseIdentity(H2, "rev2", 1));
      s.setStableTemplate(V2);
      s.recordHistory(new HistoryEntry(new ReleaseIdentity(H2, "rev2", 1), Succeeded, NOW.toString(), "promoted"));
    });
  }

  private static ReleasePolicyStatus deploying() {
    return StrategyFixtures.releasing(Deploying, null, 0, null);
  }

  private static ReleasePolicyStatus testing(int secondsAgo) {
    return StrategyFixtures.releasing(Testing, 0, 0, NOW.minusSeconds(secondsAgo));
  }

  private static ReleasePolicyStatus progressing(int step, int weight, int secondsAgo) {
    return StrategyFixtures.releasing(Progressing, step, weight, NOW.minusSeconds(secondsAgo));
  }

  private static ReleasePolicyStatus promoting() {
    return StrategyFixtures.releasing(Promoting, 2, 50, NOW.minusSeconds(30));
  }

  private static ReleasePolicyStatus rollingBack(String reason) {
    return with(StrategyFixtures.releasing(RollingBack, 1, 0, NOW.minusSeconds(30)), s -> s.setReason(reason));
  }

  private static ReleasePolicyStatus failed() {
    return with(StrategyFixtures.releasing(Failed, 1, 0, null), s -> s.setReason("breach"));
  }

  private static ReleasePolicyStatus failedOnce(ReleasePolicyStatus status) {
    return with(status, s -> {
      s.setFailures(1);
      s.setFailuresByCheck(Map.of("errors", 1));
    });
  }

  private static ReleasePolicyStatus holdingSince(ReleasePolicyStatus status, boolean error, int secondsAgo) {
    return with(status, s -> {
      s.setAnalyzedAt(NOW.minusSeconds(60).toString());
      if (error) {
        s.setErrorSince(NOW.minusSeconds(secondsAgo).toString());
      } else {
        s.setInconclusiveSince(NOW.minusSeconds(secondsAgo).toString());
      }
    });
  }

  private static Release canary() {
    return release(CANARY, V2, H1);
  }

  private static Observation steady() {
    return obs(release(STEADY, V1, H1), Routes.STABLE);
  }

  private static Observation obs(Release release, Routes routes) {
    return obs(release, routes, List.of());
  }

  private static Observation obs(Release release, Routes routes, List<CheckResult> measurements) {
    return StrategyFixtures.observe(release, routes, measurements);
  }

  private static Observation notReady(Observation o) {
    return new Observation(o.release(), o.gitRevision(), false, o.stableReady(), o.stableRunsCandidate(), o.routes(),
        o.measurements(), o.requested());
  }

  private static Observation stableRolled(Observation o) {
    return new Observation(o.release(), o.gitRevision(), o.canaryReady(), true, true, o.routes(), o.measurements(),
        o.requested());
  }

  private static Observation act(Observation o, ManualAction.Kind kind, String by) {
    return new Observation(o.release(), o.gitRevision(), o.canaryReady(), o.stableReady(), o.stableRunsCandidate(),
        o.routes(), o.measurements(), Optional.of(new ManualAction(kind, by, NOW)));
  }

  private static Observation sequential(Observation o, SequentialEvidence look) {
    return new Observation(o.release(), o.gitRevision(), o.canaryReady(), o.stableReady(), o.stableRunsCandidate(),
        o.routes(), o.measurements(), o.requested(), List.of(look));
  }

  /** The errors test of {@code step}, whose window started {@code secondsAgo}, as looked at now. */
  private static SequentialEvidence look(int step, int secondsAgo, double eValue, boolean rejected) {
    return new SequentialEvidence(step, "errors", NOW.minusSeconds(secondsAgo).toString(), NOW.toString(), eValue,
        100.0, rejected, "e-value " + eValue + (rejected ? " reached" : " is below") + " 1/α = 100");
  }

  private static SequentialEvidence lookedAt(SequentialEvidence look, int secondsAgo) {
    return new SequentialEvidence(look.step(), look.test(), look.windowStart(), NOW.minusSeconds(secondsAgo).toString(),
        look.eValue(), look.boundary(), look.rejected(), look.message());
  }

  private static List<CheckResult> failing() {
    List<CheckResult> results = new ArrayList<>();
    results.add(new CheckResult("errors", Verdict.FAIL, "q", 0.2, 300L, "error rate 0.2 > 0.05"));
    results.add(new CheckResult("latency", Verdict.PASS, "p99 100ms <= 500ms"));
    return results;
  }

  // Policy adjustments.

  private static ReleasePolicySpec deadline(ReleasePolicySpec spec, String deadline) {
    spec.setProgressDeadline(deadline);
    return spec;
  }

  private static ReleasePolicySpec threshold(ReleasePolicySpec spec, FailureCounting counting) {
    spec.setFailureThreshold(2);
    spec.setFailureCounting(counting);
    return spec;
  }

  private static ReleasePolicySpec testChecks(ReleasePolicySpec spec, List<String> checks, String webhook) {
    TestRoute route = spec.getTestRoute();
    spec.setTestRoute(new TestRoute(route.header(), route.match(), route.duration(), checks, webhook));
    return spec;
  }
}
