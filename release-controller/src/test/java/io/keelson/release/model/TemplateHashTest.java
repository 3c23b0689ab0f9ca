package io.keelson.release.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TemplateHashTest {

  private static Map<String, Object> template(String image) {
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", "app");
    container.put("image", image);
    container.put("ports", List.of(Map.of("containerPort", 8080)));
    Map<String, Object> template = new LinkedHashMap<>();
    template.put("metadata", Map.of("labels", Map.of("app", "checkout", "tier", "web")));
    template.put("spec", Map.of("containers", List.of(container)));
    return template;
  }

  @Test
  void isTenHexDigitsAndStable() {
    String hash = TemplateHash.of(template("checkout:1.0"));

    assertThat(hash).matches("[0-9a-f]{10}");
    assertThat(TemplateHash.of(template("checkout:1.0"))).isEqualTo(hash);
  }

  static Stream<Arguments> sameTemplate() {
    Map<String, Object> reordered = new LinkedHashMap<>();
    reordered.put("spec", template("checkout:1.0").get("spec"));
    reordered.put("metadata", Map.of("labels", Map.of("tier", "web", "app", "checkout")));
    Map<String, Object> withEmpties = template("checkout:1.0");
    withEmpties.put("status", null);
    withEmpties.put("extra", Map.of("annotations", Map.of()));
    Map<String, Object> spec = new LinkedHashMap<>(cast(withEmpties.get("spec")));
    spec.put("volumes", List.of());
    spec.put("serviceAccountName", "");
    withEmpties.put("spec", spec);
    Map<String, Object> doubles = template("checkout:1.0");
    Map<String, Object> doubleContainer = new LinkedHashMap<>(cast(
        ((List<?>) cast(doubles.get("spec")).get("containers")).get(0)));
    doubleContainer.put("ports", List.of(Map.of("containerPort", 8080.0)));
    doubles.put("spec", Map.of("containers", List.of(doubleContainer)));
    return Stream.of(
        Arguments.of("keys in another order", reordered),
        Arguments.of("null and empty values added", withEmpties),
        Arguments.of("an integral number written as a double", doubles));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sameTemplate")
  void ignoresWhatDoesNotChangeTheTemplate(String difference, Map<String, Object> variant) {
    assertThat(TemplateHash.of(variant)).isEqualTo(TemplateHash.of(template("checkout:1.0")));
  }

  static Stream<Arguments> otherTemplate() {
    Map<String, Object> label = template("checkout:1.0");
    label.put("metadata", Map.of("labels", Map.of("app", "checkout", "tier", "api")));
    Map<String, Object> env = template("checkout:1.0");
    Map<String, Object> container = new LinkedHashMap<>(cast(
        ((List<?>) cast(env.get("spec")).get("containers")).get(0)));
    container.put("env", List.of(Map.of("name", "MODE", "value", "fast")));
    env.put("spec", Map.of("containers", List.of(container)));
    Map<String, Object> twoContainers = template("checkout:1.0");
    Map<String, Object> sidecar = Map.of("name", "sidecar", "image", "proxy:1");
    List<Object> containers = new ArrayList<>((List<?>) cast(twoContainers.get("spec")).get("containers"));
    containers.add(sidecar);
    twoContainers.put("spec", Map.of("containers", containers));
    Map<String, Object> swapped = template("checkout:1.0");
    swapped.put("spec", Map.of("containers", List.of(sidecar, containers.get(0))));
    return Stream.of(
        Arguments.of("another image", template("checkout:1.1")),
        Arguments.of("another label value", label),
        Arguments.of("an added environment variable", env),
        Arguments.of("an added container", twoContainers),
        Arguments.of("containers in another order", swapped));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherTemplate")
  void changesWithEveryMeaningfulChange(String difference, Map<String, Object> variant) {
    assertThat(TemplateHash.of(variant)).isNotEqualTo(TemplateHash.of(template("checkout:1.0")));
  }

  @Test
  void aFabric8TemplateHashesLikeTheSameTemplateReadFromYaml() {
    PodTemplateSpec built = new PodTemplateSpecBuilder()
        .withNewMetadata().withLabels(Map.of("app", "checkout", "tier", "web")).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("checkout:1.0")
        .addNewPort().withContainerPort(8080).endPort().endContainer().endSpec()
        .build();

    assertThat(TemplateHash.of(built)).isEqualTo(TemplateHash.of(template("checkout:1.0")));
  }

  @Test
  void anAbsentTemplateHashesLikeAnEmptyOne() {
    assertThat(TemplateHash.of((PodTemplateSpec) null)).isEqualTo(TemplateHash.of(Map.of()));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object value) {
    return (Map<String, Object>) value;
  }
}
