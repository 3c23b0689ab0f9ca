package io.keelson.release.strategy;

import io.keelson.release.traffic.Routes;
import io.keelson.release.api.OnNewCandidate;
import io.keelson.release.api.ReleaseIdentity;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicySpec;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.deploy.ReleaseAwareRender.ReleaseState;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The release lifecycle of DESIGN §3 as one pure function: {@code decide(policy, status, observation, now)}.
 * No client, no clock, no I/O; every tick is idempotent and all state is in the returned status, so a
 * restarted controller resumes exactly where the last one stopped.
 *
 * <p>The transition table is {@link #transition}: the rules that hold in every phase (a target missing from
 * Git, a first sight, manual actions, Git moving away from the candidate, pause) and then one method per phase.
 *
 * <p>Routing is a function of the resulting status ({@link #routes}): no canary traffic outside
 * Testing/Mirroring/Progressing/Promoting; the header test route stays on from Testing until promotion completes
 * or the release rolls back, so testers keep reaching the canary while its weight grows; production requests are
 * copied to the canary (answers discarded) only while Mirroring, at weight 0.
 */
public final class ReleaseStrategy {

  /** The check name under which the test route's webhook gate reports its verdict. */
  public static final String WEBHOOK_CHECK = "testRoute.webhook";

  private ReleaseStrategy() {}

  public static Decision decide(ReleasePolicySpec spec, ReleasePolicyStatus status, Observation observation,
      Instant now) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(observation, "observation");
    Objects.requireNonNull(now, "now");
    DecisionDraft tick = new DecisionDraft(spec, status, observation, now);
    String message = tick.withNotes(transition(tick));
    ReleasePolicyStatus next = tick.next;
    return new Decision(next, routes(tick.rules, next), StepAnalysis.request(tick.rules, next), message,
        event(tick, message));
  }

  /** When the current step's analysis is due for {@code status}; run it when due and pass its verdicts to decide. */
  public static Optional<AnalysisRequest> analysis(ReleasePolicySpec spec, ReleasePolicyStatus status) {
    return status == null ? Optional.empty() : StepAnalysis.request(new PolicyRules(spec), status);
  }

  private static String transition(DecisionDraft tick) {
    if (tick.release() == null) {
      return "the Deployment is not declared in Git: holding " + routes(tick.rules, tick.next);
    }
    if (tick.release().state() == ReleaseState.UNRELEASED) {
      return recordFirstRelease(tick);
    }
    Optional<String> acted = Actions.handle(tick);
    if (acted.isPresent()) {
      return acted.get();
    }
    if (inProgress(tick.phase()) && tick.gitMovedOn()) {
      Optional<String> moved = gitMovedOn(tick);
      if (moved.isPresent()) {
        return moved.get();
      }
      tick.note(tick.release().gitTemplateHash() + " waits for this release to finish (onNewCandidate: queue)");
    }
    if (Boolean.TRUE.equals(tick.next.getPaused())) {
      return tick.position() + ": paused; a resume action continues the release";
    }
    return switch (tick.phase()) {
      case Idle, Succeeded -> idle(tick);
      case Deploying -> deploying(tick);
      case Testing, Mirroring, Progressing -> analysing(tick);
      case Promoting -> promoting(tick);
      case RollingBack -> rollingBack(tick);
      case Failed -> failed(tick);
    };
  }

  static boolean inProgress(ReleasePhase phase) {
    return phase == ReleasePhase.Deploying || phase == ReleasePhase.Testing || phase == ReleasePhase.Mirroring
        || phase == ReleasePhase.Progressing || phase == ReleasePhase.Promoting;
  }

  /** UNRELEASED: the Git template becomes the stable one; nothing is released. */
  private static String recordFirstRelease(DecisionDraft tick) {
    tick.next.setStableTemplate(tick.release().gitTemplate());
    tick.next.setStable(new ReleaseIdentity(tick.release().gitTemplateHash(),
        tick.observation.gitRevision(), 1));
    tick.next.setPhase(ReleasePhase.Idle);
    tick.next.setCanaryWeight(0);
    return "idle: recorded " + tick.release().gitTemplateHash() + " as the stable template";
  }

  /**
   * Git no longer declares the candidate: a revert rolls back; a new candidate supersedes unless the policy
   * queues it. Either way render keeps the canary (and, while promoting, stable) on the template of the
   * release under way until this rollback has taken all traffic off the canary, so a new template never runs
   * under live weight; the new candidate then starts from Deploying and the test route, with fresh evidence.
   */
  private static Optional<String> gitMovedOn(DecisionDraft tick) {
    String hash = tick.release().gitTemplateHash();
    if (hash.equals(tick.release().stableTemplateHash())) {
      tick.rollBack("Git reverted to the stable template " + hash);
    } else if (tick.rules.onNewCandidate() == OnNewCandidate.SUPERSEDE) {
      tick.rollBack("superseded by " + hash);
    } else {
      return Optional.empty();
    }
    return Optional.of(rolledBack(tick));
  }

  private static String idle(DecisionDraft tick) {
    if (tick.release().state() == ReleaseState.CANARY) {
      tick.startRelease();
      return "deploying " + tick.candidateHash() + " (attempt " + tick.next.getCandidate().attempt()
          + "): waiting for the canary to become ready";
    }
    tick.next.setPhase(tick.phase());
    tick.next.setCanaryWeight(0);
    return tick.phase().name().toLowerCase() + ": stable " + tick.release().stableTemplateHash()
        + " is what Git declares";
  }

  private static String deploying(DecisionDraft tick) {
    if (tick.observation.canaryReady()) {
      if (tick.rules.hasTestRoute()) {
        tick.startStep(0, 0);
        return tick.position() + ": test route on; first analysis in "
            + Text.duration(tick.rules.window(ReleasePhase.Testing, 0));
      }
      return Progression.afterTest(tick, "canary ready");
    }
    Duration elapsed = tick.since(tick.next.getReleaseStartedAt());
    Duration deadline = tick.rules.progressDeadline();
    if (elapsed.compareTo(deadline) > 0) {
      tick.rollBack("canary not ready within " + Text.duration(deadline));
      return rolledBack(tick);
    }
    return tick.position() + ": waiting for the canary to become ready (" + Text.duration(elapsed) + " of "
        + Text.duration(deadline) + ")";
  }

  private static String analysing(DecisionDraft tick) {
    return Progression.analyse(tick);
  }

  private static String promoting(DecisionDraft tick) {
    if (tick.observation.stableRunsCandidate() && tick.observation.stableReady()) {
      String hash = tick.candidateHash();
      tick.succeed();
      return "succeeded: stable runs " + hash + "; all traffic to stable";
    }
    Duration elapsed = tick.since(tick.next.getStepStartedAt());
    Duration deadline = tick.rules.progressDeadline();
    if (elapsed.compareTo(deadline) > 0) {
      tick.rollBack("stable did not roll out the candidate within " + Text.duration(deadline));
      return rolledBack(tick);
    }
    return tick.position() + ": stable is rolling out the candidate; the canary keeps " + tick.weight()
        + "% until it is ready (" + Text.duration(elapsed) + ")";
  }

  /** Just decided to roll back: done at once if no request can reach the canary any more. */
  static String rolledBack(DecisionDraft tick) {
    if (tick.liveRoutesAllStable()) {
      return rollingBack(tick);
    }
    return "rolling back " + tick.candidateHash() + ": " + tick.next.getReason() + "; all traffic to stable";
  }

  private static String rollingBack(DecisionDraft tick) {
    if (!tick.liveRoutesAllStable()) {
      return "rolling back " + tick.candidateHash() + ": waiting for the routes to send all traffic to stable (live: "
          + (tick.observation.routes() == null ? "no routing object" : tick.observation.routes()) + ")";
    }
    String failed = tick.candidateHash();
    String reason = tick.next.getReason();
    tick.fail();
    if (tick.release().state() == ReleaseState.CANARY && tick.gitMovedOn()) {
      tick.startRelease();
      return "deploying " + tick.candidateHash() + " after rolling back " + failed + " (" + reason + ")";
    }
    return "failed: " + failed + " rolled back: " + reason;
  }

  private static String failed(DecisionDraft tick) {
    if (tick.release().state() == ReleaseState.STEADY) {
      tick.next.setPhase(ReleasePhase.Idle);
      tick.next.setCandidate(null);
      tick.next.setCandidateTemplate(null);
      tick.next.setReason(null);
      return "idle: Git declares the stable template " + tick.release().gitTemplateHash() + " again";
    }
    if (tick.release().state() == ReleaseState.CANARY && tick.gitMovedOn()) {
      return idle(tick);
    }
    return "failed: " + tick.candidateHash() + " (attempt " + tick.next.getCandidate().attempt() + ") "
        + tick.next.getReason() + "; change the template in Git or retry";
  }

  /** The routing a status calls for. */
  static Routes routes(PolicyRules rules, ReleasePolicyStatus status) {
    ReleasePhase phase = status.getPhase();
    boolean live = phase == ReleasePhase.Testing || phase == ReleasePhase.Mirroring
        || phase == ReleasePhase.Progressing || phase == ReleasePhase.Promoting;
    if (!live) {
      return Routes.STABLE;
    }
    return new Routes(status.getCanaryWeight() == null ? 0 : status.getCanaryWeight(), rules.hasTestRoute(),
        phase == ReleasePhase.Mirroring ? rules.mirrorPercentage() : 0);
  }

  private static Optional<ReleaseEvent> event(DecisionDraft tick, String message) {
    ReleasePhase from = tick.before.getPhase();
    ReleasePhase to = tick.next.getPhase();
    boolean newStep = to == ReleasePhase.Progressing && !Objects.equals(tick.before.getStep(), tick.next.getStep());
    if (from == to && !newStep) {
      return Optional.empty();
    }
    var release = tick.next.getCandidate() != null ? tick.next.getCandidate()
        : tick.before.getCandidate() != null ? tick.before.getCandidate() : tick.next.getStable();
    return Optional.of(new ReleaseEvent(release, from, to, tick.next.getStep(), message));
  }

}
