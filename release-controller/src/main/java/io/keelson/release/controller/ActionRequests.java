package io.keelson.release.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.strategy.ManualAction;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Manual actions (promote, abort, pause, resume, retry) are persisted on the policy itself, as the
 * annotation {@value #ANNOTATION} holding who asked what and when. It is never in memory only: a restarted
 * or new leader sees the same request, and the strategy carries out each request once (status records it).
 * Git does not declare the annotation, so applying Git leaves it alone.
 */
public final class ActionRequests {

  public static final String ANNOTATION = "keelson.io/action";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ActionRequests() {}

  /** The annotation value for a request. */
  public static String encode(ManualAction action) {
    ObjectNode node = JSON.createObjectNode();
    node.put("kind", action.kind().name().toLowerCase(Locale.ROOT));
    node.put("by", action.by());
    node.put("at", action.at().toString());
    return node.toString();
  }

  /** The pending request on a policy, if it carries a readable one. */
  public static Optional<ManualAction> of(ReleasePolicy policy) {
    Map<String, String> annotations = policy.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(ANNOTATION);
    if (value == null) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(value);
      ManualAction.Kind kind = ManualAction.Kind.valueOf(node.path("kind").asText().toUpperCase(Locale.ROOT));
      return Optional.of(new ManualAction(kind, node.path("by").asText("unknown"),
          Instant.parse(node.path("at").asText())));
    } catch (Exception unreadable) {
      return Optional.empty();
    }
  }
}
