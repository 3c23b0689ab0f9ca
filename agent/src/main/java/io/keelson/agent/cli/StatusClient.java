package io.keelson.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.keelson.agent.api.StatusView;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** Reads an agent's status from {@code <url>/api/v1/status}, as the {@code status} command prints it. */
public final class StatusClient {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final String STATUS_PATH = "api/v1/status";
  private static final int BODY_EXCERPT = 200;

  private final HttpClient http;
  private final Duration timeout;
  // Newer agents may add fields: an older CLI still shows what it knows.
  private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** A client whose connect and request timeouts are 10 seconds each. */
  public StatusClient() {
    this(DEFAULT_TIMEOUT);
  }

  public StatusClient(Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  /**
   * @param agentUrl the agent's base URL, e.g. {@code http://localhost:8080} or {@code https://host/keelson/}
   * @throws StatusException when the agent cannot be reached, does not answer in time, answers other than 200, or
   *     answers with something that is not a status
   * @throws IllegalArgumentException when the URL is not an absolute http or https URL
   */
  public StatusView fetch(URI agentUrl) throws StatusException, InterruptedException {
    URI url = statusUrl(agentUrl);
    HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "application/json").GET()
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new StatusException("the agent at " + url + " did not answer within " + seconds(timeout), e);
    } catch (IOException e) {
      throw new StatusException("cannot reach the agent at " + url + ": " + reason(e), e);
    }
    if (response.statusCode() != 200) {
      throw new StatusException("the agent at " + url + " answered HTTP " + response.statusCode()
          + excerpt(response.body()));
    }
    try {
      StatusView status = json.readValue(response.body(), StatusView.class);
      if (status == null) {
        throw new StatusException("the agent at " + url + " answered with an empty status");
      }
      return status;
    } catch (JsonProcessingException e) {
      throw new StatusException("the agent at " + url + " answered with something that is not a status: "
          + e.getOriginalMessage(), e);
    }
  }

  /** {@code <agentUrl>/api/v1/status}, keeping any path prefix the agent is served under. */
  static URI statusUrl(URI agentUrl) {
    String scheme = agentUrl.getScheme();
    if (!agentUrl.isAbsolute() || agentUrl.getHost() == null
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
      throw new IllegalArgumentException("the agent URL must be an absolute http or https URL, like "
          + "http://localhost:8080, not '" + agentUrl + "'");
    }
    String path = agentUrl.getRawPath() == null || agentUrl.getRawPath().isEmpty() ? "/" : agentUrl.getRawPath();
    URI base = URI.create(scheme + "://" + agentUrl.getRawAuthority() + (path.endsWith("/") ? path : path + "/"));
    return base.resolve(STATUS_PATH);
  }

  /** The first message in the cause chain; the JDK's client often throws a ConnectException without one. */
  private static String reason(IOException e) {
    boolean connect = false;
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
        return cause.getMessage();
      }
      connect |= cause instanceof ConnectException;
    }
    return connect ? "connection refused" : e.getClass().getSimpleName();
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }

  private static String excerpt(String body) {
    String text = StatusTable.text(body);
    if (text.isEmpty()) {
      return "";
    }
    return ": " + StatusTable.truncate(text, BODY_EXCERPT);
  }

  /** The agent's status could not be read; the message says why, for the person at the terminal. */
  public static final class StatusException extends Exception {

    public StatusException(String message) {
      super(message);
    }

    public StatusException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
