package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One analysis check. Exactly one of {@link #errorRate}, {@link #latency}, {@link #comparison} or
 * {@link #custom} is set.
 *
 * @param name unique within the policy; referenced by the test route and recorded in evidence
 * @param minRequests fewer requests than this in the window make the verdict INCONCLUSIVE (default 0); a window
 *     without any request is INCONCLUSIVE whatever this says
 * @param errorRate the canary's 5xx ratio must stay at or below a maximum
 * @param latency a canary latency quantile must stay at or below a maximum
 * @param comparison the canary may be at most this much worse than stable over the same window
 * @param custom a PromQL template whose value must lie within bounds
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Check(String name, Long minRequests, ErrorRate errorRate, Latency latency, Comparison comparison,
    Custom custom) {

  /** @param max the highest acceptable ratio of 5xx responses, 0–1 */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ErrorRate(Double max) {}

  /**
   * @param quantile the latency quantile, 0–1 (e.g. 0.99)
   * @param maxMs the highest acceptable value of that quantile, in milliseconds
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Latency(Double quantile, Double maxMs) {}

  /**
   * @param metric the metric compared: errorRate or latency
   * @param quantile the latency quantile compared, 0–1; only for latency
   * @param maxDegradation how much worse the canary may be than stable: for errorRate the absolute difference of
   *     the ratios (0.01 = one percentage point), for latency relative to stable (0.1 = 10% slower)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Comparison(ComparisonMetric metric, Double quantile, Double maxDegradation) {}

  /**
   * @param query a PromQL template; {{namespace}}, {{stable}}, {{canary}} and {{window}} are substituted
   * @param min the lowest acceptable value, if any
   * @param max the highest acceptable value, if any
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Custom(String query, Double min, Double max) {

    /** The placeholders a custom query may use, without their braces. */
    public static final List<String> PLACEHOLDERS = List.of("namespace", "stable", "canary", "window");

    /** A placeholder such as {@code {{canary}}}; whitespace inside the braces is allowed. Group 1 is the name. */
    public static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");

    /** The placeholders of {@code query} that are not in {@link #PLACEHOLDERS}, braces included, in order. */
    public static List<String> unknownPlaceholders(String query) {
      List<String> unknown = new ArrayList<>();
      Matcher matcher = PLACEHOLDER.matcher(query == null ? "" : query);
      while (matcher.find()) {
        if (!PLACEHOLDERS.contains(matcher.group(1))) {
          unknown.add(matcher.group());
        }
      }
      return List.copyOf(unknown);
    }

    /** The known placeholders as a user writes them: {@code {{namespace}}, {{stable}}, ...}. */
    public static String knownPlaceholders() {
      return String.join(", ", PLACEHOLDERS.stream().map(name -> "{{" + name + "}}").toList());
    }
  }

  /** What a comparison check compares. */
  public enum ComparisonMetric {
    @JsonProperty("errorRate") ERROR_RATE,
    @JsonProperty("latency") LATENCY
  }
}
