package io.keelson.release.strategy;

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
 *   <li>Testing, Progressing: the step's analysis ({@link StepAnalysis#request}: the window's end, then every
 *       interval), and each scrape after the step's weight took effect (step start + k × scrape interval), so
 *       checks evaluated at every tick see every new sample.
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
   * @param scrapeInterval how often Prometheus scrapes; null or zero = ticks for analysis windows only
   * @return the next moment a tick is due; before or at {@code now} when it is due at once (e.g. an analysis
   *     that the tick just made could not complete); empty when only events and the safety poll tick it
   */
  public static Optional<Instant> next(ReleasePolicySpec spec, ReleasePolicyStatus status, Instant now,
      Duration scrapeInterval) {
    if (spec == null || status == null || status.getPhase() == null || Boolean.TRUE.equals(status.getPaused())) {
      return Optional.empty();
    }
    PolicyRules rules = new PolicyRules(spec);
    return switch (status.getPhase()) {
      case Testing, Progressing -> Stream.concat(
              StepAnalysis.request(rules, status).map(AnalysisRequest::dueAt).stream(),
              nextScrape(status.getStepStartedAt(), now, scrapeInterval).stream())
          .min(Instant::compareTo);
      case Deploying -> deadline(status.getReleaseStartedAt(), rules);
      case Promoting -> deadline(status.getStepStartedAt(), rules);
      case Idle, RollingBack, Succeeded, Failed -> Optional.empty();
    };
  }

  /** The first step start + k × scrape interval (k ≥ 1) after {@code now}. */
  private static Optional<Instant> nextScrape(String stepStartedAt, Instant now, Duration scrapeInterval) {
    if (stepStartedAt == null || scrapeInterval == null || scrapeInterval.isZero() || scrapeInterval.isNegative()) {
      return Optional.empty();
    }
    Instant started = Instant.parse(stepStartedAt);
    long elapsed = Math.max(0, Duration.between(started, now).toMillis());
    long scrapes = elapsed / scrapeInterval.toMillis() + 1;
    return Optional.of(started.plus(scrapeInterval.multipliedBy(scrapes)));
  }

  private static Optional<Instant> deadline(String since, PolicyRules rules) {
    return Optional.ofNullable(since).map(Instant::parse).map(start -> start.plus(rules.progressDeadline()).plus(PAST));
  }
}
