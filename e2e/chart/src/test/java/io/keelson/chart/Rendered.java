package io.keelson.chart;

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
record Rendered(String yaml, List<Map<String, Object>> objects) {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Rendered parse(String yaml) {
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

  static Map<String, Object> parseYaml(String yaml) {
    try {
      return YAML.readerForMapOf(Object.class).readValue(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("invalid YAML", e);
    }
  }

  List<Map<String, Object>> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  Map<String, Object> one(String kind) {
    List<Map<String, Object>> found = ofKind(kind);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + ", found " + found.size());
    }
    return found.get(0);
  }

  List<String> kinds() {
    return objects.stream().map(o -> String.valueOf(o.get("kind"))).toList();
  }

  /** The value at a dotted path of maps and list indexes, e.g. {@code spec.template.spec.containers.0.image}. */
  static Object at(Object node, String path) {
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
  static Map<String, Object> map(Object node, String path) {
    return (Map<String, Object>) Objects.requireNonNull(at(node, path), path);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object node, String path) {
    Object value = at(node, path);
    return value == null ? List.of() : (List<Map<String, Object>>) value;
  }
}
