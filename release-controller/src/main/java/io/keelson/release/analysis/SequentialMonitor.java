package io.keelson.release.analysis;

import io.keelson.release.api.Sequential;
import io.keelson.release.api.SequentialEvidence;
import io.keelson.release.model.Durations;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Runs the {@link SequentialErrorTest}s of the steps under way: at each look of the step's {@link LookGrid} it
 * asks for the counts since the step's start, as they stood at that look, and feeds them to the tests.
 *
 * <p>Nothing of it needs persisting. The tests live in memory only as a cache, one run per policy; a controller
 * that restarted mid-step (or lost the run) replays the grid's looks from the step's start, which the status
 * records, against Prometheus, which kept the counts, and so reaches the same e-value it would have reached
 * without the restart.
 */
public final class SequentialMonitor {

  /** The test of 5xx responses. */
  public static final String ERRORS = "errors";
  /** The test of requests slower than {@link Sequential#latencyMs()}. */
  public static final String LATENCY = "latency";

  /**
   * The step looked at.
   *
   * @param policy the policy's namespace/name: one run per policy
   * @param release what identifies the step (candidate, attempt, step, start): another value starts afresh
   * @param step the step index, as recorded in evidence
   * @param namespace the workloads' namespace
   * @param deployment the governed Deployment (stable); the canary is rendered beside it
   * @param start when the step's routing took effect
   */
  public record Subject(String policy, String release, int step, String namespace, String deployment,
      Instant start) {}

  private record Run(String release, Instant lastLook, Map<String, SequentialErrorTest> tests) {}

  private final Analysis analysis;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();

  public SequentialMonitor(Analysis analysis) {
    this.analysis = Objects.requireNonNull(analysis, "analysis");
  }

  /**
   * Takes the looks due by {@code now} and says where each test stands; empty before the first look. A look
   * whose counts cannot be read is skipped: the next one's increment covers both.
   */
  public List<SequentialEvidence> look(Subject subject, Sequential settings, Instant now) {
    LookGrid grid = new LookGrid(subject.start(), lookInterval(settings));
    Run run = runs.get(subject.policy());
    if (run == null || !run.release().equals(subject.release())) {
      run = new Run(subject.release(), null, start(settings));
    }
    Map<String, SequentialErrorTest> tests = new LinkedHashMap<>(run.tests());
    Instant last = run.lastLook();
    for (Instant look : grid.due(last, now)) {
      CheckContext context = CheckContext.forDeployment(subject.namespace(), subject.deployment(), subject.start(),
          look);
      tests.replaceAll((test, state) -> counts(test, settings).apply(context).map(state::observe).orElse(state));
      last = look;
    }
    run = new Run(subject.release(), last, Map.copyOf(tests));
    runs.put(subject.policy(), run);
    if (last == null) {
      return List.of();
    }
    List<SequentialEvidence> evidence = new ArrayList<>();
    for (Map.Entry<String, SequentialErrorTest> test : tests.entrySet()) {
      evidence.add(evidence(subject, test.getKey(), test.getValue(), last, settings));
    }
    return List.copyOf(evidence);
  }

  /** The next look after {@code now}, for scheduling the tick that takes it. */
  public static Instant nextLook(Sequential settings, Instant stepStart, Instant now) {
    return new LookGrid(stepStart, lookInterval(settings)).next(now);
  }

  static Duration lookInterval(Sequential settings) {
    return Durations.parse(settings.lookInterval())
        .or(() -> Durations.parse(Sequential.DEFAULT_LOOK_INTERVAL)).orElseThrow();
  }

  private static Map<String, SequentialErrorTest> start(Sequential settings) {
    Map<String, SequentialErrorTest> tests = new LinkedHashMap<>();
    tests.put(ERRORS, SequentialErrorTest.start(settings.effectiveAlpha()));
    if (settings.latencyMs() != null) {
      tests.put(LATENCY, SequentialErrorTest.start(settings.effectiveAlpha()));
    }
    return tests;
  }

  private Function<CheckContext, Optional<ArmCounts>> counts(String test, Sequential settings) {
    return LATENCY.equals(test) ? context -> analysis.slowCounts(context, settings.latencyMs())
        : analysis::counts;
  }

  private static SequentialEvidence evidence(Subject subject, String name, SequentialErrorTest test,
      Instant lookedAt, Sequential settings) {
    String what = LATENCY.equals(name)
        ? "requests slower than " + AnalysisQueries.number(settings.latencyMs()) + " ms counted as failed: " : "";
    double eValue = test.eValue();
    return new SequentialEvidence(subject.step(), name, subject.start().toString(), lookedAt.toString(),
        Double.isFinite(eValue) ? round(eValue) : null, round(1 / test.alpha()), test.rejected(),
        what + test.message());
  }

  /** Three significant digits: a status rewritten for every wobble of the e-value would be noise. */
  private static double round(double value) {
    return new BigDecimal(value).round(new MathContext(3)).doubleValue();
  }
}
