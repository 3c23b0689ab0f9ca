package io.keelson.release.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads a spec from Git strictly and reports every problem at once, in the words of the YAML the user
 * wrote: each unknown field by its path ({@code spec.steps.wieght}, with the field it probably meant), and
 * a value of the wrong type by its path and the type expected. Never a Java class name.
 */
final class StrictSpecReader {

  /** The spec, or every problem found (then no spec). */
  record Read<T>(Optional<T> spec, List<String> problems) {}

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private StrictSpecReader() {}

  static <T> Read<T> read(Object spec, Class<T> type, String root) {
    List<String> problems = new ArrayList<>();
    DeserializationProblemHandler unknownFields = new DeserializationProblemHandler() {
      @Override
      public boolean handleUnknownProperty(DeserializationContext context, JsonParser parser,
          JsonDeserializer<?> deserializer, Object bean, String name) throws IOException {
        JsonStreamContext containing = parser.getParsingContext();
        if (parser.isExpectedStartObjectToken() || parser.isExpectedStartArrayToken()) {
          containing = containing.getParent(); // the parser already stands inside the unknown field's value
        }
        String path = path(root, containing.getParent()) + "." + name;
        problems.add("unknown field " + path + suggestion(name, deserializer.getKnownPropertyNames()));
        parser.skipChildren();
        return true;
      }
    };
    T value;
    try {
      JsonNode tree = MAPPER.valueToTree(spec);
      value = MAPPER.readerFor(type).withHandler(unknownFields).readValue(tree);
    } catch (MismatchedInputException e) {
      problems.add(root + path(e) + " must be " + expected(e.getTargetType()));
      return new Read<>(Optional.empty(), problems);
    } catch (IOException | IllegalArgumentException e) {
      problems.add(root + " cannot be read");
      return new Read<>(Optional.empty(), problems);
    }
    problems.sort(null);
    return problems.isEmpty() ? new Read<>(Optional.ofNullable(value), List.of())
        : new Read<>(Optional.empty(), problems);
  }

  private static String path(String root, JsonStreamContext context) {
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
      if (at.inArray()) {
        parts.add(0, "[" + Math.max(0, at.getCurrentIndex()) + "]");
      } else if (at.getCurrentName() != null) {
        parts.add(0, "." + at.getCurrentName());
      }
    }
    return root + String.join("", parts);
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining());
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type.isEnum()) {
      return "one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf)
          .collect(Collectors.joining(", "));
    }
    if (Number.class.isAssignableFrom(type) || type == int.class || type == long.class || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    return "a mapping";
  }

  /** The known field a typo most likely meant: same letters ignoring case, a prefix, or one or two edits away. */
  private static String suggestion(String name, Collection<Object> known) {
    String lower = name.toLowerCase(Locale.ROOT);
    return known.stream().map(String::valueOf)
        .filter(candidate -> {
          String other = candidate.toLowerCase(Locale.ROOT);
          return other.equals(lower) || other.startsWith(lower) || lower.startsWith(other)
              || distance(other, lower) <= 2;
        })
        .findFirst().map(candidate -> " (did you mean " + candidate + "?)").orElse("");
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
