package io.keelson.agent.sync;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Secret data never appears in status, logs, Events or errors. API server messages can quote a field's
 * value, so every value of a Secret's data and stringData (raw, base64 and decoded) is cut out of any
 * message about it.
 */
final class SecretRedaction {

  static final String REDACTED = "[redacted]";

  private SecretRedaction() {}

  /** What went wrong, as the API server said it (or the exception's message), with the object's secrets cut. */
  static String redact(RuntimeException failure, Map<String, Object> object) {
    String message = failure instanceof KubernetesClientException e ? StagedApply.reason(e) : failure.getMessage();
    return redact(message == null ? failure.getClass().getSimpleName() : message, object);
  }

  static String redact(String message, Map<String, Object> object) {
    if (message == null || object == null || !"Secret".equals(object.get("kind"))) {
      return message;
    }
    List<String> values = new ArrayList<>();
    for (String field : List.of("data", "stringData")) {
      if (object.get(field) instanceof Map<?, ?> data) {
        for (Object value : data.values()) {
          if (value != null) {
            addForms(values, value.toString());
          }
        }
      }
    }
    values.sort(Comparator.comparingInt(String::length).reversed());
    String redacted = message;
    for (String value : values) {
      if (value.length() >= 3) {
        redacted = redacted.replace(value, REDACTED);
      }
    }
    return redacted;
  }

  private static void addForms(List<String> values, String value) {
    values.add(value);
    values.add(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    try {
      values.add(new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException notBase64) {
      // stringData values are plain text; their raw and encoded forms are covered above
    }
  }
}
