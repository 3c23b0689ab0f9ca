package io.keelson.release.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The identity of a pod template: the first {@value #LENGTH} hex digits of the SHA-256 of its canonical
 * JSON (keys sorted; null, empty string, empty list and empty map dropped; integral numbers written as
 * integers). So a template read from YAML and the same template built as a fabric8 model, which
 * serializes empty collections, hash alike; any meaningful change changes the hash.
 */
public final class TemplateHash {

  /** Hex digits kept. */
  public static final int LENGTH = 10;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};

  private TemplateHash() {}

  public static String of(PodTemplateSpec template) {
    return of(template == null ? Map.of() : MAPPER.convertValue(template, JSON_OBJECT));
  }

  public static String of(Map<String, ?> template) {
    Object canonical = canonical(template);
    try {
      byte[] json = MAPPER.writeValueAsBytes(canonical == null ? Map.of() : canonical);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
      return HexFormat.of().formatHex(digest).substring(0, LENGTH);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("pod template cannot be written as JSON", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /** The canonical form of a JSON value, or null when it is null or empty (and so dropped by its parent). */
  static Object canonical(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Map<?, ?> map) {
      TreeMap<String, Object> sorted = new TreeMap<>();
      map.forEach((key, item) -> {
        Object canonicalItem = canonical(item);
        if (canonicalItem != null) {
          sorted.put(String.valueOf(key), canonicalItem);
        }
      });
      return sorted.isEmpty() ? null : sorted;
    }
    if (value instanceof List<?> list) {
      List<Object> items = new ArrayList<>();
      for (Object item : list) {
        Object canonicalItem = canonical(item);
        // Keep positions: dropping an element of a list would shift its meaning.
        items.add(canonicalItem == null ? Map.of() : canonicalItem);
      }
      return items.isEmpty() ? null : items;
    }
    if (value instanceof String text) {
      return text.isEmpty() ? null : text;
    }
    if (value instanceof Double || value instanceof Float) {
      double real = ((Number) value).doubleValue();
      if (Double.isNaN(real) || Double.isInfinite(real)) {
        return value;
      }
    }
    if (value instanceof Number number) {
      BigDecimal decimal = new BigDecimal(number.toString()).stripTrailingZeros();
      return decimal.scale() <= 0 ? (Object) decimal.toBigIntegerExact() : (Object) decimal;
    }
    return value;
  }
}
