package io.keelson.release.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.strategy.ReleaseEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts every phase change to the policy's notification webhooks as JSON. Best effort and asynchronous: a
 * slow or failing receiver never holds up a rollback; failures are logged.
 */
public final class WebhookNotifier implements ReleaseListener {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Override
  public void changed(ReleasePolicy policy, ReleaseEvent event) {
    if (policy.getSpec().getNotifications() == null || policy.getSpec().getNotifications().webhooks() == null) {
      return;
    }
    String body = payload(policy, event);
    for (String url : policy.getSpec().getNotifications().webhooks()) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
      http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
        if (error != null || response.statusCode() >= 300) {
          LOG.warn("notification to {} for {}/{} failed: {}", url, policy.getMetadata().getNamespace(),
              policy.getMetadata().getName(), error != null ? error.toString() : "HTTP " + response.statusCode());
        }
      });
    }
  }

  static String payload(ReleasePolicy policy, ReleaseEvent event) {
    ObjectNode node = JSON.createObjectNode();
    node.put("namespace", policy.getMetadata().getNamespace());
    node.put("policy", policy.getMetadata().getName());
    node.put("from", event.from() == null ? null : event.from().name());
    node.put("to", event.to() == null ? null : event.to().name());
    if (event.step() != null) {
      node.put("step", event.step());
    }
    if (event.release() != null) {
      node.put("candidate", event.release().templateHash());
      node.put("revision", event.release().revision());
    }
    node.put("reason", event.reason());
    return node.toString();
  }
}
