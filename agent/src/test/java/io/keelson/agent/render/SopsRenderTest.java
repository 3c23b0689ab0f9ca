package io.keelson.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.model.Rendered;
import io.keelson.agent.render.sops.SopsDecryptor;
import io.keelson.agent.render.sops.SopsKeys;
import io.keelson.testkit.SopsCli;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A SOPS-encrypted manifest among plain ones is decrypted before validation; a bad one is a render error. */
class SopsRenderTest {

  private static final String SENTINEL = "hunter2-render-sentinel";
  private static final String SECRET = """
      apiVersion: v1
      kind: Secret
      metadata:
        name: db
      stringData:
        password: %s
      """.formatted(SENTINEL);

  @TempDir static Path work;
  @TempDir Path root;
  private static SopsCli cli;
  private static SopsCli.AgeKey key;
  private static String encrypted;

  @BeforeAll
  static void encrypt() {
    cli = SopsCli.in(work);
    key = cli.ageKey("render");
    encrypted = cli.encrypt("db.yaml", SECRET, "--age", key.recipient(), "--encrypted-regex", "^stringData$");
  }

  @AfterAll
  static void close() {
    cli.close();
  }

  @Test
  void anEncryptedSecretRendersAsItsPlaintextBesidePlainFiles() throws Exception {
    new Tree(root).file("secrets/db.yaml", encrypted).file("settings.yaml", Tree.configMap("settings"));

    Rendered rendered = renderer(SopsDecryptor.with(SopsKeys.load(key.file(), null))).render(root, List.of("."),
        Kinds.CLUSTER);

    assertThat(rendered.errors()).isEmpty();
    assertThat(rendered.objects()).extracting(object -> object.ref().name()).containsExactly("db", "settings");
    DesiredObject secret = rendered.objects().get(0);
    assertThat(secret.object().getAdditionalProperties()).containsEntry("stringData", Map.of("password", SENTINEL))
        .doesNotContainKey("sops");
    assertThat(secret.origin().file()).isEqualTo("secrets/db.yaml");
  }

  @Test
  void aTamperedFileIsRejectedNamingItAndNothingElseRenders() throws Exception {
    new Tree(root).file("secrets/db.yaml", encrypted.replace("name: db", "name: other"))
        .file("settings.yaml", Tree.configMap("settings"));

    Rendered rendered = renderer(SopsDecryptor.with(SopsKeys.load(key.file(), null))).render(root, List.of("."),
        Kinds.CLUSTER);

    assertThat(rendered.objects()).isEmpty();
    assertThat(rendered.errors()).extracting(RenderError::toString).containsExactly(
        "secrets/db.yaml: its MAC does not match its content: the file was altered after encryption");
  }

  @Test
  void withoutKeysAnEncryptedFileIsAnErrorThatLeaksNothing() {
    new Tree(root).file("secrets/db.yaml", encrypted);

    Rendered rendered = renderer(SopsDecryptor.withoutKeys()).render(root, List.of("."), Kinds.CLUSTER);

    assertThat(rendered.errors()).singleElement().satisfies(error -> {
      assertThat(error.origin().file()).isEqualTo("secrets/db.yaml");
      assertThat(error.reason()).contains("no SOPS key configured").doesNotContain(SENTINEL);
    });
  }

  private static ManifestRenderer renderer(SopsDecryptor sops) {
    return new ManifestRenderer(RenderOptions.defaults("apps"), List.of(new SopsStage(sops)));
  }
}
