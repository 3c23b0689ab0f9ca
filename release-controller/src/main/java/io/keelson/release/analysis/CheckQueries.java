package io.keelson.release.analysis;

import io.keelson.release.api.Check;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The queries one check needs over one window, rendered and ready to send.
 *
 * @param check the check
 * @param context the workloads and window
 * @param value the measured value: the canary's metric, or the rendered custom query
 * @param stableValue the stable workload's metric; only for a comparison, otherwise null
 * @param samples the canary's request count in the window
 * @param stableSamples the stable workload's request count; only for a comparison, otherwise null
 */
public record CheckQueries(Check check, CheckContext context, String value, String stableValue, String samples,
    String stableSamples) {

  public CheckQueries {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(samples, "samples");
    if ((stableValue == null) != (stableSamples == null)) {
      throw new IllegalArgumentException("a comparison needs both stableValue and stableSamples");
    }
  }

  /** Whether this check compares the canary with stable. */
  public boolean isComparison() {
    return stableValue != null;
  }

  /** Every query to run, without repeats, in a stable order. */
  public List<String> all() {
    List<String> all = new ArrayList<>();
    for (String query : new String[] {value, stableValue, samples, stableSamples}) {
      if (query != null && !all.contains(query)) {
        all.add(query);
      }
    }
    return List.copyOf(all);
  }

  /** The value queries as recorded in evidence: one per line, canary first. */
  public String recorded() {
    return stableValue == null ? value : value + "\n" + stableValue;
  }
}
