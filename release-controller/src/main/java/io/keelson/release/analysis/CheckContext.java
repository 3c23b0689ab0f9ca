package io.keelson.release.analysis;

import io.keelson.release.deploy.ReleaseAwareRender;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Where and when a step's checks look: the workloads Istio reports as {@code destination_workload}, and the
 * metric window, which starts when the step's weight took effect.
 *
 * @param namespace the workloads' namespace
 * @param stable the stable workload (the Deployment's name)
 * @param canary the canary workload ({@code <name>-canary})
 * @param windowStart when the step's weight took effect
 * @param windowEnd when the window closes; queries are evaluated at this instant
 */
public record CheckContext(String namespace, String stable, String canary, Instant windowStart, Instant windowEnd) {

  public CheckContext {
    requireText(namespace, "namespace");
    requireText(stable, "stable");
    requireText(canary, "canary");
    Objects.requireNonNull(windowStart, "windowStart");
    Objects.requireNonNull(windowEnd, "windowEnd");
    if (Duration.between(windowStart, windowEnd).getSeconds() < 1) {
      throw new IllegalArgumentException("the metric window must last at least 1s, not " + windowStart
          + " to " + windowEnd);
    }
  }

  /** The context of a release-managed Deployment: its canary is the Deployment rendered beside it. */
  public static CheckContext forDeployment(String namespace, String deployment, Instant windowStart,
      Instant windowEnd) {
    return new CheckContext(namespace, deployment, deployment + ReleaseAwareRender.CANARY_SUFFIX, windowStart,
        windowEnd);
  }

  /**
   * The window's length in whole seconds, as PromQL range selectors use it. A fraction of a second is
   * dropped, which moves the effective start later, never earlier, so the window never reaches into the
   * previous step.
   */
  public long windowSeconds() {
    return Duration.between(windowStart, windowEnd).getSeconds();
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
