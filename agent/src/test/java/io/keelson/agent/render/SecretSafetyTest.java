package io.keelson.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.model.RenderError;
import io.keelson.agent.model.Rendered;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** No error may carry the value of a Secret's data or stringData, whatever went wrong. */
class SecretSafetyTest {

  private static final String VALUE = "hunter2-s3cr3t";
  private static final String HEAD = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\n";

  @TempDir
  Path root;

  static Stream<Arguments> brokenSecrets() {
    return Stream.of(
        Arguments.of("s.yaml", HEAD + "stringData:\n  password: " + VALUE + "\n  password: " + VALUE + "\n",
            "duplicate key 'password'"),
        Arguments.of("s.yaml", HEAD + "stringData:\n  password: [" + VALUE + "]\n",
            "Secret stringData.password must be a string, found a list"),
        Arguments.of("s.yaml", HEAD + "data:\n  password: " + VALUE + "\n",
            "Secret data.password is not valid base64"),
        Arguments.of("s.yaml", HEAD + "data: " + VALUE + "\n", "Secret data must be a mapping, found a string"),
        Arguments.of("s.yaml", HEAD + "stringData:\n  password: !secret " + VALUE + "\n", "tag !secret is not allowed"),
        Arguments.of("s.yaml", HEAD + "stringData:\n  password: \"" + VALUE + "\n", "invalid YAML"),
        Arguments.of("s.yaml", HEAD + "stringData:\n  password: " + VALUE + "\n   bad: " + VALUE + "\n", "invalid YAML"),
        Arguments.of("s.json", "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"db\"},\n"
            + " \"stringData\": {\"password\": " + VALUE + "}}\n", "invalid JSON"),
        Arguments.of("s.json", "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"db\"},\n"
            + " \"data\": {\"password\": \"" + VALUE + "\", \"password\": \"" + VALUE + "\"}}\n",
            "duplicate key 'password'"));
  }

  @ParameterizedTest
  @MethodSource("brokenSecrets")
  void errorsNeverEchoSecretValues(String file, String content, String reason) {
    new Tree(root).file(file, content);

    Rendered rendered = new ManifestRenderer(RenderOptions.defaults("apps")).render(root, List.of("."), Kinds.CLUSTER);

    assertThat(rendered.errors()).isNotEmpty();
    assertThat(rendered.errors()).extracting(RenderError::toString).anySatisfy(error -> assertThat(error).contains(reason));
    assertThat(rendered.errors()).extracting(RenderError::toString)
        .allSatisfy(error -> assertThat(error).doesNotContain("hunter2").doesNotContain("s3cr3t"));
  }
}
