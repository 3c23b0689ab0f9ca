package io.keelson.release.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.keelson.release.api.ActionRecord;
import io.keelson.release.api.Evidence;
import io.keelson.release.api.HistoryEntry;
import io.keelson.release.api.ReleasePolicyStatus;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A status as the API server accepts it, whatever a check measured or a message says. JSON has no
 * infinity or NaN and the CRD declares numbers, so a value that is not finite is left out (the verdict's
 * message still states it, e.g. "+Inf"); free text is cut to {@value #TEXT_LIMIT} characters, so no error
 * body or webhook answer can push the object past the API server's size limit.
 */
final class WritableStatus {

  static final int TEXT_LIMIT = 1024;
  private static final ObjectMapper COPY = new ObjectMapper();

  private WritableStatus() {}

  /** A copy of {@code status} that the CRD's schema accepts; the input is not changed. */
  static ReleasePolicyStatus of(ReleasePolicyStatus status) {
    ReleasePolicyStatus copy = COPY.convertValue(status, ReleasePolicyStatus.class);
    copy.setReason(text(copy.getReason()));
    copy.setEvidence(each(copy.getEvidence(), e -> new Evidence(e.step(), e.check(), text(e.query()),
        e.windowStart(), e.windowEnd(), finite(e.value()), e.samples(), e.verdict(), text(e.message()))));
    copy.setHistory(each(copy.getHistory(), h -> new HistoryEntry(h.release(), h.phase(), h.finishedAt(),
        text(h.reason()))));
    copy.setActions(each(copy.getActions(), a -> new ActionRecord(a.action(), text(a.by()), a.at(), a.accepted(),
        text(a.message()))));
    copy.setConditions(each(copy.getConditions(), c -> {
      c.setMessage(text(c.getMessage()));
      return c;
    }));
    return copy;
  }

  /** Text of at most {@value #TEXT_LIMIT} characters, saying where it was cut. */
  static String text(String text) {
    if (text == null || text.length() <= TEXT_LIMIT) {
      return text;
    }
    String cut = " … (" + (text.length() - TEXT_LIMIT) + " more characters)";
    return text.substring(0, TEXT_LIMIT - cut.length()) + cut;
  }

  private static Double finite(Double value) {
    return value != null && Double.isFinite(value) ? value : null;
  }

  private static <T> List<T> each(List<T> items, UnaryOperator<T> writable) {
    return items == null ? null : items.stream().map(writable).toList();
  }
}
