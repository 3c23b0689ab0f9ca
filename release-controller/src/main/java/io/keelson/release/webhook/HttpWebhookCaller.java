package io.keelson.release.webhook;

import io.keelson.release.analysis.WebhookAnswer;
import io.keelson.release.analysis.WebhookCaller;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link WebhookCaller} over {@code java.net.http}: one POST of JSON, answered within the timeout (connection
 * included). Every problem comes back as {@link WebhookAnswer.Unanswered}, never as an exception; messages
 * never name the URL, which may carry a token.
 */
public final class HttpWebhookCaller implements WebhookCaller {

  /** The receiver has this long to answer unless told otherwise, as Flagger's webhooks default to. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** Only the body's first line is judged; a receiver's long output is not read whole. */
  private static final int BODY_LIMIT = 4096;

  private final Duration timeout;
  private final HttpClient http;

  public HttpWebhookCaller(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, not " + timeout);
    }
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public WebhookAnswer post(URI url, String json) {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    } catch (IllegalArgumentException e) {
      return new WebhookAnswer.Unanswered("not a URL an HTTP client can call");
    }
    try {
      HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        return new WebhookAnswer.Answered(response.statusCode(),
            new String(body.readNBytes(BODY_LIMIT), StandardCharsets.UTF_8));
      }
    } catch (HttpConnectTimeoutException e) {
      return new WebhookAnswer.Unanswered("no connection within " + timeout.toMillis() + "ms");
    } catch (HttpTimeoutException e) {
      return new WebhookAnswer.Unanswered("no answer within " + timeout.toMillis() + "ms");
    } catch (ConnectException e) {
      return new WebhookAnswer.Unanswered("connection refused");
    } catch (IOException e) {
      String why = e.getMessage() == null ? "" : ": " + e.getMessage().replace(url.toString(), "the webhook");
      return new WebhookAnswer.Unanswered(e.getClass().getSimpleName() + why);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new WebhookAnswer.Unanswered("interrupted");
    }
  }

  @Override
  public String toString() {
    return "HttpWebhookCaller[timeout=" + timeout + "]";
  }
}
