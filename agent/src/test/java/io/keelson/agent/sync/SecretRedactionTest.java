package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretRedactionTest {

  private static final String PASSWORD = "hunter2-very-secret";
  private static final String ENCODED = Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8));

  @Test
  void secretValuesInEveryFormAreCutFromMessages() {
    Map<String, Object> secret = Map.of("kind", "Secret", "data", Map.of("password", ENCODED),
        "stringData", Map.of("token", "plain-token-value"));
    String message = "Secret \"db\" is invalid: data[password]: Invalid value: \"" + ENCODED + "\" (" + PASSWORD
        + "), stringData[token]: plain-token-value";

    String redacted = SecretRedaction.redact(message, secret);

    assertThat(redacted).doesNotContain(PASSWORD).doesNotContain(ENCODED).doesNotContain("plain-token-value")
        .contains("data[password]").contains("[redacted]");
  }

  /** A failed drift correction reports its exception: the API server's message, or any other, is redacted too. */
  @Test
  void exceptionsAreRedactedLikeMessages() {
    Map<String, Object> secret = Map.of("kind", "Secret", "data", Map.of("password", ENCODED));
    KubernetesClientException refused = new KubernetesClientException(new StatusBuilder().withCode(422)
        .withMessage("Secret \"db\" is invalid: data[password]: \"" + ENCODED + "\"").build());
    IllegalStateException other = new IllegalStateException("cannot correct db: " + PASSWORD);

    assertThat(SecretRedaction.redact(refused, secret)).startsWith("Secret \"db\" is invalid")
        .doesNotContain(ENCODED).contains("[redacted]");
    assertThat(SecretRedaction.redact(other, secret)).isEqualTo("cannot correct db: [redacted]");
  }

  @Test
  void otherKindsAreLeftAlone() {
    Map<String, Object> configMap = Map.of("kind", "ConfigMap", "data", Map.of("colour", "blue"));
    assertThat(SecretRedaction.redact("colour: blue is wrong", configMap)).isEqualTo("colour: blue is wrong");
  }
}
