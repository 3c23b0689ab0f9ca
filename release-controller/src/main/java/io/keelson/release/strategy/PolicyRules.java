package io.keelson.release.strategy;

import io.keelson.release.api.Check;
import io.keelson.release.api.FailureCounting;
import io.keelson.release.api.OnNewCandidate;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicySpec;
import io.keelson.release.model.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A policy's release rules with their defaults applied: the only place defaults live. */
record PolicyRules(ReleasePolicySpec spec) {

  static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
  /** Kubernetes' own default progress deadline for a Deployment. */
  static final Duration DEFAULT_PROGRESS_DEADLINE = Duration.ofMinutes(10);
  /** Budgets default to this many analysis intervals. */
  static final int DEFAULT_BUDGET_INTERVALS = 3;

  Duration interval() {
    return duration(spec.getSteps() == null ? null : spec.getSteps().interval(), DEFAULT_INTERVAL);
  }

  /**
   * How long step {@code step} of {@code phase} is analysed before its first verdict: the mirror's duration, the
   * test duration, or the interval.
   */
  Duration window(ReleasePhase phase, int step) {
    if (phase == ReleasePhase.Mirroring && hasMirror()) {
      return duration(spec.getMirror().duration(), interval());
    }
    if (step == 0 && spec.getTestRoute() != null) {
      return duration(spec.getTestRoute().duration(), interval());
    }
    return interval();
  }

  List<Integer> weights() {
    return spec.getSteps() == null ? List.of() : spec.getSteps().effectiveWeights();
  }

  boolean hasMirror() {
    return spec.getMirror() != null && spec.getMirror().percentage() != null && spec.getMirror().percentage() > 0;
  }

  /** The share of production requests copied to the canary while mirroring; 0 without a mirror. */
  int mirrorPercentage() {
    return hasMirror() ? Math.min(100, spec.getMirror().percentage()) : 0;
  }

  boolean hasTestRoute() {
    return spec.getTestRoute() != null;
  }

  String testHeader() {
    return spec.getTestRoute().header();
  }

  int failureThreshold() {
    return spec.getFailureThreshold() == null ? 1 : spec.getFailureThreshold();
  }

  FailureCounting failureCounting() {
    return spec.getFailureCounting() == null ? FailureCounting.CONSECUTIVE : spec.getFailureCounting();
  }

  Duration inconclusiveBudget() {
    return duration(spec.getInconclusiveBudget(), interval().multipliedBy(DEFAULT_BUDGET_INTERVALS));
  }

  Duration errorBudget() {
    return duration(spec.getErrorBudget(), interval().multipliedBy(DEFAULT_BUDGET_INTERVALS));
  }

  Duration progressDeadline() {
    return duration(spec.getProgressDeadline(), DEFAULT_PROGRESS_DEADLINE);
  }

  OnNewCandidate onNewCandidate() {
    return spec.getOnNewCandidate() == null ? OnNewCandidate.SUPERSEDE : spec.getOnNewCandidate();
  }

  boolean manualGate() {
    return Boolean.TRUE.equals(spec.getManualGate());
  }

  /** The checks that must all PASS for step {@code step} of {@code phase} to pass. */
  List<String> requiredChecks(ReleasePhase phase, int step) {
    List<String> all = spec.getChecks() == null ? List.of() : spec.getChecks().stream().map(Check::name).toList();
    if (phase == ReleasePhase.Mirroring && hasMirror()) {
      return spec.getMirror().checks() == null ? all : List.copyOf(spec.getMirror().checks());
    }
    if (step != 0 || !hasTestRoute()) {
      return all;
    }
    List<String> required = new ArrayList<>(spec.getTestRoute().checks() == null ? all : spec.getTestRoute().checks());
    if (spec.getTestRoute().webhook() != null) {
      required.add(ReleaseStrategy.WEBHOOK_CHECK);
    }
    return List.copyOf(required);
  }

  private static Duration duration(String text, Duration fallback) {
    return Durations.parse(text).orElse(fallback);
  }
}
