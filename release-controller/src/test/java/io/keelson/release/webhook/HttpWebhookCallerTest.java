package io.keelson.release.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.release.analysis.WebhookAnswer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The test route's webhook over real HTTP on 127.0.0.1: every outcome is an answer, never an exception. */
class HttpWebhookCallerTest {

  private final HttpWebhookCaller caller = new HttpWebhookCaller(Duration.ofSeconds(2));

  @Test
  void postsTheJsonAndReadsStatusAndBody() {
    try (GateReceiver receiver = GateReceiver.start().answer(500, "smoke test failed: /cart answered 503\nmore")) {
      WebhookAnswer answer = caller.post(URI.create(receiver.url()), "{\"policy\":\"cart\"}");

      assertThat(answer).isEqualTo(new WebhookAnswer.Answered(500, "smoke test failed: /cart answered 503\nmore"));
      assertThat(receiver.received()).containsExactly("{\"policy\":\"cart\"}");
    }
  }

  @Test
  void aStoppedReceiverIsUnanswered() {
    GateReceiver receiver = GateReceiver.start();
    receiver.close();

    assertThat(caller.post(URI.create(receiver.url()), "{}")).isInstanceOf(WebhookAnswer.Unanswered.class);
  }

  @Test
  void aReceiverThatDoesNotAnswerWithinTheTimeoutIsUnanswered() {
    try (GateReceiver receiver = GateReceiver.start().holdAnswers()) {
      WebhookAnswer answer = new HttpWebhookCaller(Duration.ofSeconds(1)).post(URI.create(receiver.url()), "{}");

      // On a loaded machine even the loopback connection may take longer than the timeout.
      assertThat(answer).isInstanceOfSatisfying(WebhookAnswer.Unanswered.class, unanswered ->
          assertThat(unanswered.reason()).matches("no (answer|connection) within 1000ms"));
    }
  }

  @Test
  void aUrlWithATokenIsNeverNamedInTheReason() {
    GateReceiver receiver = GateReceiver.start();
    receiver.close();
    String url = receiver.url().replace("http://", "http://user:s3cret@") + "?token=s3cret";

    assertThat(caller.post(URI.create(url), "{}")).asString().doesNotContain("s3cret");
  }
}
