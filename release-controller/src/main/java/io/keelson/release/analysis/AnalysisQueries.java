package io.keelson.release.analysis;

import io.keelson.release.api.Check;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * The PromQL of the built-in checks, over Istio's standard telemetry as reported by the destination proxy.
 *
 * <p>Every query is an instant query evaluated at the window's end. The fixed checks read a counter's growth with
 * a range selector that spans exactly the window ({@code [<seconds>s]}), so a step is judged only by traffic
 * since its weight took effect, never by a fixed lookback that reaches into the previous step. The sequential
 * test reads it {@link #sinceStart as the counter less its value at the step's start}, which is exact from the
 * first scrape after the start on.
 */
public final class AnalysisQueries {

  /** The Istio request counter. */
  public static final String REQUESTS = "istio_requests_total";
  /** The buckets of Istio's request duration histogram, in milliseconds. */
  public static final String DURATION_BUCKETS = "istio_request_duration_milliseconds_bucket";

  private AnalysisQueries() {}

  /** How a counter's growth in the window is read, given the counter's series selector. */
  @FunctionalInterface
  public interface Growth {
    String of(String series);
  }

  /**
   * {@code increase()} over a range spanning the window: what the fixed checks read. It needs two scrapes inside
   * the window, extrapolates to the window's edges (so counts are rarely whole numbers) and misses what a series
   * counted before its first scrape.
   */
  public static Growth overWindow(long windowSeconds) {
    String range = range(windowSeconds);
    return series -> "increase(" + series + range + ")";
  }

  /**
   * The counter now less its value at {@code start} (the {@code @} modifier: the last sample at or before it),
   * per series: what the sequential test reads. Exact from the first scrape after the start on. A series
   * without a sample at the start (a workload's first requests) counts whole; one that went backwards (its
   * process restarted) counts what it holds since the restart. The requests between the last scrape before the
   * start and the start are counted too: the same versions served them, which the test's null allows.
   */
  public static Growth sinceStart(Instant start) {
    String at = BigDecimal.valueOf(start.toEpochMilli(), 3).toPlainString();
    return series -> "((" + series + " - " + series + " @ " + at + ") >= 0 or " + series + " + 0)";
  }

  /** How many requests reached {@code workload} in the window. */
  public static String requestCount(String namespace, String workload, long windowSeconds) {
    return requestCount(namespace, workload, overWindow(windowSeconds));
  }

  /** How many requests reached {@code workload}, read as {@code growth}. */
  public static String requestCount(String namespace, String workload, Growth growth) {
    return "sum(" + growth.of(REQUESTS + selector(namespace, workload, "")) + ")";
  }

  /**
   * The ratio of 5xx responses among all of {@code workload}'s responses in the window. A workload that
   * served no 5xx has no 5xx series at all, hence {@code or vector(0)}; a window without requests yields
   * NaN (0/0) or no data, never 0.
   */
  public static String errorRate(String namespace, String workload, long windowSeconds) {
    return "(" + errorCount(namespace, workload, windowSeconds) + " or vector(0)) / "
        + requestCount(namespace, workload, windowSeconds);
  }

  /** How many of {@code workload}'s responses in the window were 5xx; no series when there were none. */
  public static String errorCount(String namespace, String workload, long windowSeconds) {
    return errorCount(namespace, workload, overWindow(windowSeconds));
  }

  /** How many of {@code workload}'s responses were 5xx, read as {@code growth}. */
  public static String errorCount(String namespace, String workload, Growth growth) {
    return "sum(" + growth.of(REQUESTS + selector(namespace, workload, ", response_code=~\"5..\"")) + ")";
  }

  /** The {@code quantile} (0–1) of {@code workload}'s request duration in the window, in milliseconds. */
  public static String latency(String namespace, String workload, double quantile, long windowSeconds) {
    return "histogram_quantile(" + number(quantile) + ", sum by (le) (increase(" + DURATION_BUCKETS
        + selector(namespace, workload, "") + range(windowSeconds) + ")))";
  }

  /**
   * How many of {@code workload}'s requests the duration histogram counted, read as {@code growth}: its
   * {@code +Inf} bucket, so that {@link #slowCount} is a share of the same requests.
   */
  public static String timedCount(String namespace, String workload, Growth growth) {
    return bucketCount(namespace, workload, "le=\"+Inf\"", growth);
  }

  /**
   * How many of {@code workload}'s requests took longer than {@code boundMs}, which must be one of the
   * histogram's bucket bounds, read as {@code growth}: all requests less those in the bucket at the bound. The
   * bound is matched with and without a trailing ".0", as Prometheus 3 writes classic histograms' bounds as
   * floats.
   */
  public static String slowCount(String namespace, String workload, double boundMs, Growth growth) {
    String bound = "le=~\"" + number(boundMs).replace(".", "\\\\.") + "(\\\\.0)?\"";
    return timedCount(namespace, workload, growth) + " - " + bucketCount(namespace, workload, bound, growth);
  }

  private static String bucketCount(String namespace, String workload, String bound, Growth growth) {
    return "sum(" + growth.of(DURATION_BUCKETS + selector(namespace, workload, ", " + bound)) + ")";
  }

  /**
   * A custom template with {@code {{namespace}}}, {@code {{stable}}}, {@code {{canary}}} and {@code {{window}}}
   * (e.g. {@code 120s}) substituted; whitespace inside the braces is allowed.
   *
   * @throws IllegalArgumentException naming the placeholder, when the template uses one not listed above or
   *     leaves braces unclosed
   */
  public static String custom(String template, CheckContext context) {
    if (template == null || template.isBlank()) {
      throw new IllegalArgumentException("the custom query template is empty");
    }
    Map<String, String> values = new LinkedHashMap<>();
    values.put("namespace", context.namespace());
    values.put("stable", context.stable());
    values.put("canary", context.canary());
    values.put("window", context.windowSeconds() + "s");
    Matcher matcher = Check.Custom.PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      if (value == null) {
        throw new IllegalArgumentException("unknown placeholder " + matcher.group()
            + " in the custom query; known: " + Check.Custom.knownPlaceholders());
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    String rendered = out.toString();
    int unclosed = rendered.indexOf("{{");
    if (unclosed >= 0) {
      throw new IllegalArgumentException("unclosed placeholder in the custom query at \""
          + rendered.substring(unclosed, Math.min(rendered.length(), unclosed + 20)) + "\"");
    }
    return rendered;
  }

  /** A number as PromQL and messages show it: 0.99, 250, 0.001 (never 1.0E-3). */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  private static String selector(String namespace, String workload, String extra) {
    return "{reporter=\"destination\", destination_workload_namespace=\"" + escape(namespace)
        + "\", destination_workload=\"" + escape(workload) + "\"" + extra + "}";
  }

  private static String range(long windowSeconds) {
    if (windowSeconds < 1) {
      throw new IllegalArgumentException("the metric window must last at least 1s, not " + windowSeconds + "s");
    }
    return "[" + windowSeconds + "s]";
  }

  private static String escape(String labelValue) {
    return labelValue.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
