package io.keelson.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.keelson.agent.model.DesiredObject;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints rendered objects as {@code kustomize build} and {@code flux build} do: a YAML stream, or a JSON
 * {@code v1/List}. Every value of a Secret's {@code data} and {@code stringData} is masked unless asked for,
 * so a CI log never holds one.
 */
final class ObjectPrinter {


  enum Format { YAML, JSON }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build());

  private ObjectPrinter() {}

  static String print(List<DesiredObject> objects, Format format, boolean showSecrets) {
    List<Map<String, Object>> maps = objects.stream().map(object -> {
      Map<String, Object> map = JSON.convertValue(object.object(), JSON_OBJECT);
      return showSecrets ? map : SecretMask.masked(map);
    }).toList();
    try {
      if (format == Format.JSON) {
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        list.put("items", maps);
        return JSON.writeValueAsString(list) + "\n";
      }
      StringBuilder out = new StringBuilder();
      for (Map<String, Object> map : maps) {
        out.append("---\n").append(YAML.writeValueAsString(map));
      }
      return out.toString();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> JSON_OBJECT =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};
}
