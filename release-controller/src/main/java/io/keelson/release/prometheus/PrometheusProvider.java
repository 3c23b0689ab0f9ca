package io.keelson.release.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.release.analysis.MetricProvider;
import io.keelson.release.analysis.QueryResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@link MetricProvider} over Prometheus' HTTP API ({@code GET /api/v1/query}). Every problem comes back as
 * {@link QueryResult.Failed}, never as an exception: unreachable, timed out, HTTP error, rejected query, or an
 * answer that is not one number (several series, a range vector, a string).
 */
public final class PrometheusProvider implements MetricProvider {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EXCERPT = 300;

  private final URI queryEndpoint;
  private final Options options;
  private final HttpClient http;

  /**
   * How to reach Prometheus.
   *
   * @param connectTimeout the longest a TCP connection may take
   * @param requestTimeout the longest a query may take, answer included; also sent to Prometheus as the
   *     query's evaluation timeout
   * @param bearerToken sent as {@code Authorization: Bearer}; null for none
   */
  public record Options(Duration connectTimeout, Duration requestTimeout, String bearerToken) {

    public Options {
      positive(connectTimeout, "connectTimeout");
      positive(requestTimeout, "requestTimeout");
    }

    /** Connect within 2 s, answer within 10 s, no token. */
    public static Options defaults() {
      return new Options(Duration.ofSeconds(2), Duration.ofSeconds(10), null);
    }

    public Options withConnectTimeout(Duration timeout) {
      return new Options(timeout, requestTimeout, bearerToken);
    }

    public Options withRequestTimeout(Duration timeout) {
      return new Options(connectTimeout, timeout, bearerToken);
    }

    public Options withBearerToken(String token) {
      return new Options(connectTimeout, requestTimeout, token);
    }

    /** Never prints the token. */
    @Override
    public String toString() {
      return "Options[connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + ", bearerToken="
          + (bearerToken == null ? "none" : "set") + "]";
    }

    private static void positive(Duration duration, String name) {
      if (duration == null || duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, not " + duration);
      }
    }
  }

  /**
   * @param baseUrl Prometheus' root, e.g. {@code http://prometheus.istio-system:9090} (a path prefix such as
   *     {@code /prometheus} is kept)
   */
  public PrometheusProvider(URI baseUrl, Options options) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    this.options = Objects.requireNonNull(options, "options");
    String root = baseUrl.toString();
    this.queryEndpoint = URI.create((root.endsWith("/") ? root.substring(0, root.length() - 1) : root)
        + "/api/v1/query");
    this.http = HttpClient.newBuilder().connectTimeout(options.connectTimeout())
        .followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  @Override
  public QueryResult query(String promql, Instant at) {
    URI uri = URI.create(queryEndpoint + "?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
        + "&time=" + BigDecimal.valueOf(at.toEpochMilli(), 3).toPlainString()
        + "&timeout=" + options.requestTimeout().toMillis() + "ms");
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(options.requestTimeout())
        .header("Accept", "application/json");
    if (options.bearerToken() != null && !options.bearerToken().isBlank()) {
      request.header("Authorization", "Bearer " + options.bearerToken());
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      return new QueryResult.Failed("Prometheus at " + queryEndpoint + " is unreachable: no connection within "
          + options.connectTimeout().toMillis() + "ms");
    } catch (HttpTimeoutException e) {
      return new QueryResult.Failed("Prometheus at " + queryEndpoint + " did not answer within "
          + options.requestTimeout().toMillis() + "ms");
    } catch (ConnectException e) {
      return new QueryResult.Failed("Prometheus at " + queryEndpoint + " is unreachable: " + describe(e));
    } catch (IOException e) {
      return new QueryResult.Failed("Prometheus at " + queryEndpoint + " failed: " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new QueryResult.Failed("interrupted while querying Prometheus at " + queryEndpoint);
    }
    return parse(response.statusCode(), response.body());
  }

  /** The answer of {@code /api/v1/query}, as one number, no data, or why neither. */
  static QueryResult parse(int status, String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body == null ? "" : body);
    } catch (IOException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      return new QueryResult.Failed("HTTP " + status + " from Prometheus, not a JSON answer: " + excerpt(body));
    }
    if (!"success".equals(root.path("status").asText())) {
      return new QueryResult.Failed("Prometheus rejected the query (HTTP " + status + ", "
          + root.path("errorType").asText("unknown error") + "): " + root.path("error").asText(excerpt(body)));
    }
    if (status != 200) {
      return new QueryResult.Failed("HTTP " + status + " from Prometheus: " + excerpt(body));
    }
    JsonNode data = root.path("data");
    JsonNode result = data.path("result");
    String type = data.path("resultType").asText();
    switch (type) {
      case "vector" -> {
        if (result.isEmpty()) {
          return new QueryResult.NoData("no series");
        }
        if (result.size() > 1) {
          return new QueryResult.Failed("the query returned " + result.size()
              + " series where one number is needed; aggregate it, e.g. with sum()");
        }
        return sample(result.get(0).path("value"));
      }
      case "scalar" -> {
        return sample(result);
      }
      default -> {
        return new QueryResult.Failed("the query returned a " + (type.isEmpty() ? "missing" : type)
            + " result where an instant vector or scalar is needed");
      }
    }
  }

  /** A {@code [<unix time>, "<value>"]} pair; Prometheus writes NaN, +Inf and -Inf as such. */
  private static QueryResult sample(JsonNode pair) {
    if (!pair.isArray() || pair.size() != 2 || !pair.get(1).isTextual()) {
      return new QueryResult.Failed("unreadable sample in Prometheus' answer: " + pair);
    }
    String text = pair.get(1).asText();
    return switch (text) {
      case "NaN" -> new QueryResult.NoData("NaN");
      case "+Inf", "Inf" -> new QueryResult.Value(Double.POSITIVE_INFINITY);
      case "-Inf" -> new QueryResult.Value(Double.NEGATIVE_INFINITY);
      default -> {
        try {
          yield QueryResult.of(Double.parseDouble(text));
        } catch (NumberFormatException e) {
          yield new QueryResult.Failed("unreadable sample value in Prometheus' answer: " + text);
        }
      }
    };
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": "
        + e.getMessage();
  }

  private static String excerpt(String body) {
    if (body == null || body.isBlank()) {
      return "(empty body)";
    }
    String flat = body.strip().replaceAll("\\s+", " ");
    return flat.length() <= EXCERPT ? flat : flat.substring(0, EXCERPT) + "…";
  }

  @Override
  public String toString() {
    return "PrometheusProvider[" + queryEndpoint + ", " + options + "]";
  }
}
