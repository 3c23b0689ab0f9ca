package io.keelson.agent.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Masks every value of a Secret's {@code data} and {@code stringData}, so a CI log never holds one. Beside
 * another version of the same Secret, a key whose value differs is marked, so a diff still shows which key
 * changed.
 */
final class SecretMask {

  static final String MASK = "*****";
  private static final List<String> FIELDS = List.of("data", "stringData");

  private SecretMask() {}

  static Map<String, Object> masked(Map<String, Object> object) {
    return masked(object, null, "");
  }

  /**
   * @param other the object {@code object} is compared with, or null
   * @param mark appended to the mask of a value that differs from {@code other}'s
   */
  static Map<String, Object> masked(Map<String, Object> object, Map<String, Object> other, String mark) {
    if (object == null || !"Secret".equals(object.get("kind")) || !"v1".equals(object.get("apiVersion"))) {
      return object;
    }
    Map<String, Object> copy = new LinkedHashMap<>(object);
    for (String field : FIELDS) {
      if (copy.get(field) instanceof Map<?, ?> values) {
        Map<?, ?> others = other != null && other.get(field) instanceof Map<?, ?> m ? m : Map.of();
        Map<Object, Object> hidden = new LinkedHashMap<>();
        values.forEach((key, value) -> hidden.put(key,
            MASK + (others.containsKey(key) && !Objects.equals(others.get(key), value) ? mark : "")));
        copy.put(field, hidden);
      }
    }
    return copy;
  }
}
