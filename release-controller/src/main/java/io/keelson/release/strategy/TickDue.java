package io.keelson.release.strategy;

import io.keelson.release.analysis.SequentialMonitor;
import io.keelson.release.api.ReleasePolicySpec;
import io.keelson.release.api.ReleasePolicyStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * When a release's next tick falls due by the clock alone: the first moment at which a tick could decide
 * something that no event announces. Everything else a release waits for is a change in the cluster (the
 * policy, its Deployments, its routes) or a new render of Git, and ticks it when it happens.
 *
 * <ul>
 *   <li>Testing, Mirroring, Progressing: the step's analysis ({@link StepAnalysis#request}: the window's end, then every
 *       interval), and with {@code spec.sequential} each look of the sequential test
 *       ({@link SequentialMonitor#nextLook}: step start + k × look interval).
 *   <li>Deploying: the progress deadline, counted from the release's start.
 *   <li>Promoting: the progress deadline, counted from the promotion's start.
 *   <li>Paused, Idle, RollingBack, Succeeded, Failed: nothing; an action, a route or a new render ticks them.
 * </ul>
 */
public final class TickDue {

  /** A deadline is passed once the time since its start exceeds it, so the tick comes just after. */
  private static final Duration PAST = Duration.ofMillis(1);

  private TickDue() {}

  /**
   * @param now the time of the tick just made
   * @return the next moment a tick is due; before or at {@code now} when it is due at once (e.g. an analysis
   *     that the tick just made could not complete); empty when only events and the safety poll tick it
   */
  public static Optional<Instant> next(ReleasePolicySpec spec, ReleasePolicyStatus status, Instant now) {
    if (spec == null || status == null || status.getPhase() == null || Boolean.TRUE.equals(status.getPaused())) {
      return Optional.empty();
    }
    PolicyRules rules = new PolicyRules(spec);
    return switch (status.getPhase()) {
      case Testing, Mirroring, Progressing -> Stream.concat(
              StepAnalysis.request(rules, status).map(AnalysisRequest::dueAt).stream(),
              nextLook(spec, status, now).stream())
          .min(Instant::compareTo);
      case Deploying -> deadline(status.getReleaseStartedAt(), rules);
      case Promoting -> deadline(status.getStepStartedAt(), rules);
      case Idle, RollingBack, Succeeded, Failed -> Optional.empty();
    };
  }

  /** The sequential test's next look, when the policy has one and the step is analysed. */
  private static Optional<Instant> nextLook(ReleasePolicySpec spec, ReleasePolicyStatus status, Instant now) {
    if (spec.getSequential() == null || status.getStepStartedAt() == null) {
      return Optional.empty();
    }
    return Optional.of(SequentialMonitor.nextLook(spec.getSequential(), Instant.parse(status.getStepStartedAt()), now));
  }

  private static Optional<Instant> deadline(String since, PolicyRules rules) {
    return Optional.ofNullable(since).map(Instant::parse).map(start -> start.plus(rules.progressDeadline()).plus(PAST));
  }
}
