package io.keelson.release.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.release.api.Evidence;
import io.keelson.release.api.HistoryEntry;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class WritableStatusTest {

  @Test
  void valuesThatAreNotFiniteAreLeftOutAndTheirMessagesKept() {
    ReleasePolicyStatus status = new ReleasePolicyStatus();
    status.setEvidence(List.of(evidence(Double.POSITIVE_INFINITY, "value +Inf > max 1"),
        evidence(Double.NEGATIVE_INFINITY, "-Inf"), evidence(Double.NaN, "NaN"), evidence(0.25, "fine")));

    ReleasePolicyStatus writable = WritableStatus.of(status);

    assertThat(writable.getEvidence()).extracting(Evidence::value).containsExactly(null, null, null, 0.25);
    assertThat(writable.getEvidence().get(0).message()).isEqualTo("value +Inf > max 1");
    assertThat(status.getEvidence().get(0).value()).as("the input is not changed").isInfinite();
  }

  @Test
  void hugeTextIsCutSayingHowMuchWasLeftOut() {
    String huge = "x".repeat(3 * 1024 * 1024);
    ReleasePolicyStatus status = new ReleasePolicyStatus();
    status.setReason(huge);
    status.setEvidence(List.of(evidence(1.0, huge)));
    status.recordHistory(new HistoryEntry(null, ReleasePhase.Failed, "2026-12-03T12:00:00Z", huge));

    ReleasePolicyStatus writable = WritableStatus.of(status);

    assertThat(writable.getReason()).hasSize(WritableStatus.TEXT_LIMIT).endsWith("more characters)");
    assertThat(writable.getEvidence().get(0).message()).hasSize(WritableStatus.TEXT_LIMIT);
    assertThat(writable.getHistory().get(0).reason()).hasSize(WritableStatus.TEXT_LIMIT);
    assertThat(WritableStatus.text("short")).isEqualTo("short");
  }

  private static Evidence evidence(double value, String message) {
    return new Evidence(1, "custom", "1/0", "2026-12-03T12:00:00Z", "2026-12-03T12:00:10Z", value, 20L,
        Verdict.FAIL, message);
  }
}
