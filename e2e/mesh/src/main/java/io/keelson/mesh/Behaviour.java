package io.keelson.mesh;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a simulated workload answers, from its pod's annotations, so that a bad release is a one-line commit to
 * a Deployment's pod template.
 *
 * @param errorRate fraction (0–1) of requests answered with HTTP 500
 * @param latencyMs typical (median) latency in milliseconds
 * @param headerErrors a header name; every request carrying it is answered with 500; null for none
 */
public record Behaviour(double errorRate, double latencyMs, String headerErrors) {

  public static final String ERROR_RATE = "simulator.keelson.io/error-rate";
  public static final String LATENCY_MS = "simulator.keelson.io/latency-ms";
  public static final String HEADER_ERRORS = "simulator.keelson.io/header-errors";
  public static final Behaviour DEFAULT = new Behaviour(0, 5, null);

  /** Spread of the log-normal latency: about two thirds of the samples fall within ±30% of the median. */
  private static final double LATENCY_SIGMA = 0.3;
  private static final Logger LOG = LoggerFactory.getLogger(Behaviour.class);
  /** Snapshots are rebuilt on every change, so a bad annotation would otherwise be reported again each time. */
  private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

  /** What one request got. */
  public record Response(int status, double latencyMs) {}

  /**
   * Reads the annotations of pod {@code pod}; a malformed value is reported once and the default used, so a
   * typo never stops routing.
   */
  public static Behaviour of(String pod, Map<String, String> annotations) {
    if (annotations == null) {
      return DEFAULT;
    }
    double errorRate = number(pod, annotations, ERROR_RATE, DEFAULT.errorRate, 0, 1);
    double latency = number(pod, annotations, LATENCY_MS, DEFAULT.latencyMs, 0, Double.MAX_VALUE);
    String header = annotations.get(HEADER_ERRORS);
    return new Behaviour(errorRate, latency, header == null || header.isBlank() ? null : header.strip());
  }

  /** The status and the latency of one request, sampled from {@code random}. */
  public Response respond(MeshRequest request, RandomGenerator random) {
    double latency = latencyMs * Math.exp(LATENCY_SIGMA * random.nextGaussian());
    boolean broken = headerErrors != null && request.header(headerErrors) != null;
    boolean failed = broken || (errorRate > 0 && random.nextDouble() < errorRate);
    return new Response(failed ? 500 : 200, latency);
  }

  private static double number(String pod, Map<String, String> annotations, String key, double fallback,
      double min, double max) {
    String text = annotations.get(key);
    if (text == null) {
      return fallback;
    }
    try {
      double value = Double.parseDouble(text.strip());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    if (REPORTED.add(pod + " " + key + "=" + text)) {
      LOG.warn("pod {}: annotation {}=\"{}\" is not a number in [{}, {}]; using {}", pod, key, text, min,
          max == Double.MAX_VALUE ? "∞" : max, fallback);
    }
    return fallback;
  }
}
