package io.keelson.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectComparisonTest {

  private static Map<String, Object> configMap(String value, String resourceVersion, Object status) {
    Map<String, Object> metadata = new HashMap<>(Map.of("name", "settings", "namespace", "shop",
        "resourceVersion", resourceVersion, "managedFields", java.util.List.of(Map.of("manager", resourceVersion))));
    Map<String, Object> object = new HashMap<>(Map.of("apiVersion", "v1", "kind", "ConfigMap", "metadata", metadata,
        "data", Map.of("colour", value)));
    if (status != null) {
      object.put("status", status);
    }
    return object;
  }

  @Test
  void serverBookkeepingAndStatusAreNotDrift() {
    assertThat(ObjectComparison.differs(configMap("blue", "7", null), configMap("blue", "8", Map.of("ready", true))))
        .isFalse();
  }

  @Test
  void aChangedValueIsDrift() {
    assertThat(ObjectComparison.differs(configMap("blue", "7", null), configMap("red", "7", null))).isTrue();
  }

  @Test
  void aMissingLiveObjectAlwaysDiffers() {
    assertThat(ObjectComparison.differs(configMap("blue", "7", null), null)).isTrue();
  }

  @Test
  void aLabelAddedByAnotherWriterIsAChange() {
    Map<String, Object> live = configMap("blue", "7", null);
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata = (Map<String, Object>) live.get("metadata");
    metadata.put("labels", Map.of("team", "x"));
    assertThat(ObjectComparison.differs(configMap("blue", "7", null), live)).isTrue();
  }

  @Test
  void theFingerprintChangesExactlyWhenTheComparisonFindsADifference() {
    String blue = ObjectComparison.fingerprint(configMap("blue", "7", null));

    assertThat(ObjectComparison.fingerprint(configMap("blue", "8", Map.of("ready", true)))).isEqualTo(blue);
    assertThat(ObjectComparison.fingerprint(configMap("red", "7", null))).isNotEqualTo(blue);
  }
}
