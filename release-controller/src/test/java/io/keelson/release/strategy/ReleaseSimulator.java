package io.keelson.release.strategy;

import io.keelson.release.traffic.Routes;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicySpec;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.deploy.ReleaseAwareRender.Release;
import io.keelson.release.deploy.ReleaseAwareRender.ReleaseState;
import io.keelson.release.model.TemplateHash;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A release's world for scenario tests, one tick at a time: render's state is derived from the status as
 * render derives it, the routes the last decision asked for become live, the canary is ready one tick after
 * it is deployed, the stable Deployment rolls out the candidate one tick after promotion starts, and
 * analyses run when due with the verdicts {@link #verdicts} gives.
 */
final class ReleaseSimulator {

  static final Duration TICK = Duration.ofSeconds(30);

  ReleasePolicySpec spec;
  ReleasePolicyStatus status;
  Routes liveRoutes;
  Instant now = StrategyFixtures.T0;
  PodTemplateSpec git = StrategyFixtures.V1;
  String revision = "rev1";
  Function<AnalysisRequest, List<CheckResult>> verdicts = request -> StrategyFixtures.passing();
  Optional<Action> action = Optional.empty();
  final List<Decision> decisions = new ArrayList<>();
  final List<AnalysisRequest> analysesRun = new ArrayList<>();
  Observation lastObservation;
  private int canaryTicks;
  private int promotingTicks;

  ReleaseSimulator(ReleasePolicySpec spec) {
    this.spec = spec;
  }

  void commit(PodTemplateSpec template, String newRevision) {
    git = template;
    revision = newRevision;
    canaryTicks = 0;
  }

  Decision tick() {
    Release release = render();
    canaryTicks = release.state() == ReleaseState.CANARY || release.state() == ReleaseState.PROMOTING ? canaryTicks + 1 : 0;
    promotingTicks = release.state() == ReleaseState.PROMOTING ? promotingTicks + 1 : 0;
    List<CheckResult> measurements = ReleaseStrategy.analysis(spec, status).filter(request -> request.dueBy(now))
        .map(request -> {
          analysesRun.add(request);
          return verdicts.apply(request);
        }).orElse(List.of());
    Observation observation = new Observation(release, revision, canaryTicks > 1, true, promotingTicks > 1,
        liveRoutes, measurements, action);
    lastObservation = observation;
    Decision decision = ReleaseStrategy.decide(spec, status, observation, now);
    decisions.add(decision);
    liveRoutes = decision.routes();
    status = decision.status();
    now = now.plus(TICK);
    return decision;
  }

  /** Ticks until {@code phase} or {@code limit} ticks; returns the last decision. */
  Decision runUntil(ReleasePhase phase, int limit) {
    Decision last = tick();
    for (int i = 1; i < limit && last.status().getPhase() != phase; i++) {
      last = tick();
    }
    return last;
  }

  /** A simulator built from a saved status: the canary and stable Deployments have been up for a while. */
  void primeReadiness() {
    canaryTicks = 2;
    promotingTicks = 2;
  }

  ReleasePhase phase() {
    return status.getPhase();
  }

  /** Render's state for the status, as {@code ReleaseAwareRender} derives it. */
  private Release render() {
    String gitHash = TemplateHash.of(git);
    String stableHash = status == null || status.getStableTemplate() == null ? null
        : TemplateHash.of(status.getStableTemplate());
    ReleaseState state;
    boolean sameCandidate = status != null && status.getCandidate() != null
        && gitHash.equals(status.getCandidate().templateHash());
    if (stableHash == null) {
      state = ReleaseState.UNRELEASED;
    } else if (stableHash.equals(gitHash)) {
      state = ReleaseState.STEADY;
    } else if (sameCandidate && status.getPhase() == ReleasePhase.Promoting) {
      state = ReleaseState.PROMOTING;
    } else if (sameCandidate && (status.getPhase() == ReleasePhase.Failed
        || status.getPhase() == ReleasePhase.RollingBack)) {
      state = ReleaseState.HELD_BACK;
    } else {
      state = ReleaseState.CANARY;
    }
    return new Release(StrategyFixtures.POLICY, StrategyFixtures.DEPLOYMENT, state, gitHash, stableHash, git);
  }
}
