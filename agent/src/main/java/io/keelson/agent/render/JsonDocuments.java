package io.keelson.agent.render;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.keelson.agent.model.Origin;
import io.keelson.agent.model.RenderError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses a JSON manifest file: one value, an object or a {@code List}. A streaming parser keeps the
 * line of every object and lets duplicate keys be reported like YAML's.
 */
final class JsonDocuments {

  private static final JsonFactory FACTORY = new JsonFactory();
  // Jackson quotes offending tokens ("Unrecognized token 'abc'"); inside a Secret that is the value.
  private static final Pattern QUOTED = Pattern.compile("'[^']{2,}'|\"[^\"]{2,}\"");

  ParsedFile parse(String file, String text) {
    Map<Object, Integer> lines = new IdentityHashMap<>();
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return new ParsedFile(List.of(), List.of());
      }
      int line = parser.currentTokenLocation().getLineNr();
      Object content = read(parser, first, lines);
      if (parser.nextToken() != null) {
        int extra = parser.currentTokenLocation().getLineNr();
        return failed(file, extra, "a JSON file holds one value (an object or a List); more follows");
      }
      List<SourceDocument> documents = content == null ? List.of()
          : List.of(new SourceDocument(1, line, content, lines));
      return new ParsedFile(documents, List.of());
    } catch (ParseFailure failure) {
      return failed(file, failure.line(), failure.reason());
    } catch (JsonProcessingException e) {
      JsonLocation location = e.getLocation();
      int line = location == null ? 1 : Math.max(1, location.getLineNr());
      String message = e.getOriginalMessage() == null ? "syntax error"
          : QUOTED.matcher(e.getOriginalMessage().lines().findFirst().orElse("syntax error")).replaceAll("'…'");
      return failed(file, line, "invalid JSON: " + message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ParsedFile failed(String file, int line, String reason) {
    return new ParsedFile(List.of(), List.of(new RenderError(new Origin(file, 1, line), reason)));
  }

  private static Object read(JsonParser parser, JsonToken token, Map<Object, Integer> lines)
      throws IOException {
    switch (token) {
      case START_OBJECT: {
        int line = parser.currentTokenLocation().getLineNr();
        Map<String, Object> map = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          int keyLine = parser.currentTokenLocation().getLineNr();
          Object value = read(parser, parser.nextToken(), lines);
          if (map.containsKey(key)) {
            throw new ParseFailure(keyLine, "duplicate key '" + key + "'");
          }
          map.put(key, value);
        }
        lines.put(map, line);
        return map;
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
          list.add(read(parser, item, lines));
        }
        return list;
      }
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return parser.getNumberValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new ParseFailure(parser.currentTokenLocation().getLineNr(), "unexpected JSON token " + token);
    }
  }
}
