package io.keelson.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.model.RenderError;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class YamlDocumentsTest {

  private final YamlDocuments yaml = new YamlDocuments(50, 5, 1024 * 1024);

  private List<String> errors(String text) {
    return yaml.parse("f.yaml", text).errors().stream().map(RenderError::toString).toList();
  }

  private Object value(String text) {
    ParsedFile parsed = yaml.parse("f.yaml", text);
    assertThat(parsed.errors()).isEmpty();
    return parsed.documents().get(0).content();
  }

  static Stream<Arguments> scalars() {
    return Stream.of(
        Arguments.of("v: plain", "plain"),
        Arguments.of("v: 3", 3),
        Arguments.of("v: -0x1F", -31),
        Arguments.of("v: 0b101", 5),
        Arguments.of("v: 0755", 493),
        Arguments.of("v: 1_000", 1000),
        Arguments.of("v: 4294967296", 4294967296L),
        Arguments.of("v: 99999999999999999999", new BigInteger("99999999999999999999")),
        Arguments.of("v: 1.5", 1.5),
        Arguments.of("v: true", true),
        Arguments.of("v: off", false),
        Arguments.of("v: ~", null),
        Arguments.of("v: \"3\"", "3"),
        Arguments.of("v: !!str 3", "3"),
        Arguments.of("v: !!int \"7\"", 7),
        Arguments.of("v: 2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z"));
  }

  @ParameterizedTest
  @MethodSource("scalars")
  void buildsScalarsAsKubernetesReadsThem(String text, Object expected) {
    assertThat(((Map<?, ?>) value(text)).get("v")).isEqualTo(expected);
  }

  @Test
  void supportsAnchorsAliasesAndMergeKeys() {
    Object value = value("""
        base: &base {a: 1, b: 2}
        list: &list [x, y]
        copy: *list
        merged:
          <<: *base
          b: 3
        """);

    assertThat(value).isEqualTo(Map.of("base", Map.of("a", 1, "b", 2), "list", List.of("x", "y"),
        "copy", List.of("x", "y"), "merged", Map.of("a", 1, "b", 3)));
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of("a: !!python/object:os.system {}\n",
            "f.yaml:1 (document 1): tag !!python/object:os.system is not allowed on a mapping"),
        Arguments.of("a: !foo bar\n", "f.yaml:1 (document 1): tag !foo is not allowed: manifests may use only"
            + " the standard tags !!str, !!int, !!float, !!bool and !!null"),
        Arguments.of("a: !!binary aGVsbG8=\n", "f.yaml:1 (document 1): tag !!binary is not allowed: manifests"
            + " may use only the standard tags !!str, !!int, !!float, !!bool and !!null"),
        Arguments.of("a: !!set {x}\n", "f.yaml:1 (document 1): tag !!set is not allowed on a mapping"),
        Arguments.of("a: 1\nb:\n  c: 2\n  c: 3\n", "f.yaml:4 (document 1): duplicate key 'c'"),
        Arguments.of("a: &a [*a]\n", "f.yaml:1 (document 1): recursive alias: a value contains itself"),
        Arguments.of("? &k [*k]\n: v\n", "f.yaml:1 (document 1): mapping keys must be plain scalars"),
        Arguments.of("a: !!int nope\n", "f.yaml:1 (document 1): value tagged !!int is not an integer"),
        Arguments.of("a: 1\n---\nb: [1, 2\n", "f.yaml:4 (document 2): invalid YAML: while parsing a flow"
            + " sequence: expected ',' or ']', but got <stream end>"),
        Arguments.of("a: *missing\n", "f.yaml:1 (document 1): invalid YAML: found undefined alias missing"),
        Arguments.of("a:\tb\n\tc: d\n", null));
  }

  @ParameterizedTest
  @MethodSource("rejected")
  void rejectsUnsafeOrInvalidYamlWithItsLine(String text, String error) {
    List<String> errors = errors(text);
    if (error == null) {
      assertThat(errors).singleElement().asString().startsWith("f.yaml:1 (document 1): invalid YAML: ");
    } else {
      assertThat(errors).containsExactly(error);
    }
  }

  @Test
  void rejectsTheBillionLaughs() {
    StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char level = 'b'; level <= 'i'; level++) {
      char previous = (char) (level - 1);
      bomb.append(level).append(": &").append(level).append(" [")
          .append(String.join(",", java.util.Collections.nCopies(9, "*" + previous))).append("]\n");
    }

    // Refused by counting aliases before anything is expanded.
    assertThat(errors(bomb.toString())).singleElement().asString().contains("too many aliases: more than 50");
  }

  @Test
  void boundsWhatFewAliasesMayExpandTo() {
    // Each level doubles the previous one: 40 aliases (under the limit) would expand to 2^20 values.
    StringBuilder bomb = new StringBuilder("l0: &l0 [x, x]\n");
    for (int level = 1; level <= 20; level++) {
      bomb.append("l").append(level).append(": &l").append(level)
          .append(" [*l").append(level - 1).append(", *l").append(level - 1).append("]\n");
    }

    // Refused by the node budget as the expansion passes it, not after building all of it.
    assertThat(errors(bomb.toString())).singleElement().asString().contains("aliases expand to more than");
  }

  @Test
  void capsTheDocumentsPerFile() {
    assertThat(errors("a: 1\n---\na: 1\n---\na: 1\n---\na: 1\n---\na: 1\n---\na: 1\n"))
        .containsExactly("f.yaml:10 (document 6): file has more documents than the limit of 5");
  }

  @Test
  void recordsTheLineOfEveryMapping() {
    SourceDocument document = yaml.parse("f.yaml", "# header\n\nouter:\n  inner:\n    k: v\n").documents().get(0);
    Map<?, ?> outer = (Map<?, ?>) ((Map<?, ?>) document.content()).get("outer");

    assertThat(document.line()).isEqualTo(3);
    assertThat(document.lineOf(outer)).isEqualTo(4);
    assertThat(document.lineOf(outer.get("inner"))).isEqualTo(5);
  }

  /** A render cached for the next sync holds thousands of objects: their keys are held once, not once each. */
  @Test
  void theSameKeyInTwoFilesIsOneString() {
    Map<?, ?> first = (Map<?, ?>) value("metadata: {name: a}\n");
    Map<?, ?> second = (Map<?, ?>) yaml.parse("g.yaml", "metadata: {name: b}\n").documents().get(0).content();

    assertThat(firstKey(second)).isSameAs(firstKey(first));
    assertThat(firstKey(second.get("metadata"))).isSameAs(firstKey(first.get("metadata")));
  }

  private static Object firstKey(Object map) {
    return ((Map<?, ?>) map).keySet().iterator().next();
  }
}
