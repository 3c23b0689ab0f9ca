package io.keelson.release.analysis;

import java.util.Objects;

/**
 * The answer to one POST of the test route's webhook. "It answered no" and "it could not be asked" are
 * different answers: the first FAILs the gate, the second is an ERROR held under the error budget.
 */
public sealed interface WebhookAnswer {

  /**
   * The receiver answered.
   *
   * @param status the HTTP status
   * @param body the start of the body, as text (may be empty)
   */
  record Answered(int status, String body) implements WebhookAnswer {
    public Answered {
      body = body == null ? "" : body;
    }
  }

  /**
   * No answer: unreachable, refused, or not within the timeout.
   *
   * @param reason what went wrong, in a sentence
   */
  record Unanswered(String reason) implements WebhookAnswer {
    public Unanswered {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
