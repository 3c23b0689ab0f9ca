package io.keelson.release.strategy;

import io.keelson.release.api.SequentialEvidence;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The sequential tests' say in a step: their standing goes into the status, and a test that rejected stops the
 * step at once, whatever the fixed checks' interval, failure threshold or budgets would wait for. The tests only
 * ever stop a step; passing it stays the fixed checks' job.
 */
final class SequentialStop {

  private SequentialStop() {}

  /** Records the current step's tests; the rollback reason when one of them rejected the canary. */
  static Optional<String> judge(DecisionDraft tick) {
    List<SequentialEvidence> current = tick.observation.sequential().stream()
        .filter(look -> look.step() != null && look.step() == tick.step()
            && Objects.equals(look.windowStart(), tick.next.getStepStartedAt()))
        .toList();
    List<SequentialEvidence> recorded = new ArrayList<>(
        tick.next.getSequential() == null ? List.of() : tick.next.getSequential());
    for (SequentialEvidence look : current) {
      Optional<SequentialEvidence> previous = recorded.stream().filter(old -> sameTest(old, look)).findFirst();
      // The look that last moved the e-value stays on record: a status rewritten at every look would be noise.
      if (previous.isEmpty() || !Objects.equals(previous.get().eValue(), look.eValue())
          || !Objects.equals(previous.get().rejected(), look.rejected())) {
        recorded.removeIf(old -> sameTest(old, look));
        recorded.add(look);
      }
    }
    tick.next.setSequential(recorded.isEmpty() ? null : recorded);
    return current.stream().filter(look -> Boolean.TRUE.equals(look.rejected())).findFirst()
        .map(look -> "sequential test of " + look.test() + " rejected the canary: " + look.message());
  }

  /** "; sequential errors: e-value 3.2 of 100", for the current step's tests; empty without any. */
  static String summary(DecisionDraft tick) {
    List<String> parts = tick.observation.sequential().stream()
        .filter(look -> look.step() != null && look.step() == tick.step())
        .map(look -> look.test() + " e-value "
            + (look.eValue() == null ? "beyond any number" : Text.number(look.eValue()))
            + " of " + Text.number(look.boundary()))
        .toList();
    return parts.isEmpty() ? "" : "; sequential " + String.join(", ", parts);
  }

  private static boolean sameTest(SequentialEvidence a, SequentialEvidence b) {
    return Objects.equals(a.step(), b.step()) && Objects.equals(a.test(), b.test());
  }
}
