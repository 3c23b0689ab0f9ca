package io.keelson.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredHashTest {

  private static Map<String, Object> configMap(String first, Object firstValue, String second, Object secondValue) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put(first, firstValue);
    data.put(second, secondValue);
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("kind", "ConfigMap");
    object.put("apiVersion", "v1");
    object.put("metadata", Map.of("name", "settings"));
    object.put("data", data);
    return object;
  }

  @Test
  void theOrderOfFieldsDoesNotChangeTheHash() {
    assertThat(DesiredHash.of(configMap("colour", "blue", "size", "L")))
        .isEqualTo(DesiredHash.of(configMap("size", "L", "colour", "blue")))
        .hasSize(64);
  }

  @Test
  void anyChangedValueChangesTheHash() {
    String hash = DesiredHash.of(configMap("colour", "blue", "size", "L"));
    assertThat(DesiredHash.of(configMap("colour", "blue", "size", "M"))).isNotEqualTo(hash);
    assertThat(DesiredHash.of(configMap("colour", "blue", "size", List.of("L")))).isNotEqualTo(hash);
    assertThat(DesiredHash.of(configMap("colour", "blue", "sizes", "L"))).isNotEqualTo(hash);
  }
}
