package io.keelson.testkit;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The objects {@code helm template} rendered, parsed, with lookups by kind and by path. */
public record Rendered(String yaml, List<Map<String, Object>> objects) {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public static Rendered parse(String yaml) {
    List<Map<String, Object>> objects = new ArrayList<>();
    try (MappingIterator<Map<String, Object>> documents = YAML.readerForMapOf(Object.class).readValues(yaml)) {
      while (documents.hasNext()) {
        Map<String, Object> document = documents.next();
        if (document != null && !document.isEmpty()) {
          objects.add(document);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("helm rendered invalid YAML", e);
    }
    return new Rendered(yaml, List.copyOf(objects));
  }

  public static Map<String, Object> parseYaml(String yaml) {
    try {
      return YAML.readerForMapOf(Object.class).readValue(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("invalid YAML", e);
    }
  }

  public List<Map<String, Object>> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  public Map<String, Object> one(String kind) {
    List<Map<String, Object>> found = ofKind(kind);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + ", found " + found.size());
    }
    return found.get(0);
  }

  public List<String> kinds() {
    return objects.stream().map(o -> String.valueOf(o.get("kind"))).toList();
  }

  /** The value at a dotted path of maps and list indexes, e.g. {@code spec.template.spec.containers.0.image}. */
  public static Object at(Object node, String path) {
    Object current = node;
    for (String step : path.split("\\.")) {
      if (current instanceof Map<?, ?> map) {
        current = map.get(step);
      } else if (current instanceof List<?> list) {
        current = list.get(Integer.parseInt(step));
      } else {
        throw new AssertionError("no " + step + " in " + path + " (reached " + current + ")");
      }
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Object node, String path) {
    return (Map<String, Object>) Objects.requireNonNull(at(node, path), path);
  }

  /** A list of strings at a dotted path (empty when absent). */
  public static List<String> strings(Object node, String path) {
    Object value = at(node, path);
    return value == null ? List.of() : ((List<?>) value).stream().map(String::valueOf).toList();
  }

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> list(Object node, String path) {
    Object value = at(node, path);
    return value == null ? List.of() : (List<Map<String, Object>>) value;
  }
}
