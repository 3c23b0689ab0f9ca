package io.keelson.release.analysis;

import java.net.URI;

/**
 * POSTs JSON to a webhook. The test route's gate reaches its receiver only through this interface, so judging
 * the answer stays free of HTTP.
 *
 * <p>Implementations answer every problem with {@link WebhookAnswer.Unanswered} rather than an exception.
 */
public interface WebhookCaller {

  /** POSTs {@code json} to {@code url} and returns the answer. */
  WebhookAnswer post(URI url, String json);
}
