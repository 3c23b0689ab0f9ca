package io.keelson.agent.render.sops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.keelson.testkit.SopsCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files encrypted by the real {@code sops} CLI, with keys made by the real {@code age-keygen} and {@code gpg},
 * decrypt natively to what was encrypted; an altered file, a wrong key and a file for another recipient are
 * refused with the file named, and no message carries a secret.
 */
class SopsDecryptorTest {

  static final String SENTINEL = "hunter2-sentinel";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = """
      apiVersion: v1
      kind: Secret
      metadata:
        name: db
        namespace: apps
      type: Opaque
      stringData:
        password: %s
        port: "5432"
      data:
        token: aHVudGVyMg==
      """.formatted(SENTINEL);

  @TempDir static Path work;
  private static SopsCli cli;
  private static SopsCli.AgeKey age;
  private static SopsCli.AgeKey otherAge;
  private static SopsCli.PgpKey pgp;
  private static SopsCli.PgpKey otherPgp;

  @BeforeAll
  static void keys() {
    cli = SopsCli.in(work);
    age = cli.ageKey("ops");
    otherAge = cli.ageKey("other");
    pgp = cli.pgpKey("ops");
    otherPgp = cli.pgpKey("other");
  }

  @AfterAll
  static void stopGpgAgent() {
    cli.close();
  }

  @Test
  void ageYamlWithEncryptedRegexDecryptsOnlyWhatSopsEncrypted() throws Exception {
    String encrypted = cli.encrypt("secret.yaml", SECRET, "--age", age.recipient(),
        "--encrypted-regex", "^(data|stringData)$");
    assertThat(encrypted).doesNotContain(SENTINEL).contains("name: db");

    List<Map<String, Object>> documents = decryptor(age.file(), null).decrypt("secret.yaml", yaml(encrypted));

    assertThat(documents).containsExactly(yaml(SECRET).get(0));
  }

  @Test
  void ageJsonWholeFileRestoresEveryTypeAndKeepsUnencryptedSuffixes() throws Exception {
    String plain = """
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "limits"},
         "data": {"password": "%s", "empty": ""},
         "spec": {"replicas": 3, "ratio": 0.25, "big": 1.0, "enabled": true, "tags": ["a", "b"],
                  "note_unencrypted": "left as is", "nothing": null}}
        """.formatted(SENTINEL);
    String encrypted = cli.encrypt("limits.json", plain, "--age", age.recipient());
    assertThat(encrypted).doesNotContain(SENTINEL).contains("left as is").doesNotContain("\"ConfigMap\"");

    List<Map<String, Object>> documents = decryptor(age.file(), null).decrypt("limits.json", json(encrypted));

    assertThat(documents).containsExactly(json(plain).get(0));
  }

  @Test
  void encryptedAndUnencryptedSuffixRulesFollowTheKeysOnThePath() throws Exception {
    String plain = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: suffixes\n"
        + "data:\n  password_enc: " + SENTINEL + "\n  nested_enc:\n    deep: [one, two]\n  visible: plain\n";
    String encrypted = cli.encrypt("enc.yaml", plain, "--age", age.recipient(), "--encrypted-suffix", "_enc");
    assertThat(encrypted).contains("visible: plain").doesNotContain(SENTINEL);
    assertThat(decryptor(age.file(), null).decrypt("enc.yaml", yaml(encrypted))).isEqualTo(yaml(plain));

    String unencrypted = cli.encrypt("unenc.yaml", plain, "--age", age.recipient(),
        "--unencrypted-suffix", "_enc");
    assertThat(unencrypted).contains(SENTINEL).doesNotContain("visible: plain");
    assertThat(decryptor(age.file(), null).decrypt("unenc.yaml", yaml(unencrypted))).isEqualTo(yaml(plain));
  }

  @Test
  void unencryptedRegexWithAMacOverEncryptedValuesOnlyFromACreationRule() throws Exception {
    Path config = work.resolve("sops-config.yaml");
    Files.writeString(config, "creation_rules:\n  - unencrypted_regex: ^(apiVersion|kind|metadata|type)$\n"
        + "    mac_only_encrypted: true\n    age: " + age.recipient() + "\n");
    String encrypted = cli.encrypt("macs.yaml", SECRET, "--config", config.toString());
    assertThat(encrypted).contains("mac_only_encrypted: true").contains("name: db").doesNotContain(SENTINEL);

    assertThat(decryptor(age.file(), null).decrypt("macs.yaml", yaml(encrypted))).isEqualTo(yaml(SECRET));
    // Values left in the clear are outside such a MAC: editing one is not detected, as with sops itself.
    assertThat(decryptor(age.file(), null).decrypt("macs.yaml", yaml(encrypted.replace("name: db", "name: x"))))
        .singleElement().satisfies(document -> assertThat(document.get("metadata")).isEqualTo(
            Map.of("name", "x", "namespace", "apps")));
  }

  @Test
  void pgpYamlAndJsonDecryptWithAnExportedGpgKey() throws Exception {
    String yamlFile = cli.encrypt("pgp.yaml", SECRET, "--pgp", pgp.fingerprint());
    assertThat(decryptor(null, pgp.file()).decrypt("pgp.yaml", yaml(yamlFile))).isEqualTo(yaml(SECRET));

    String plain = "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"db\"},"
        + " \"stringData\": {\"password\": \"" + SENTINEL + "\"}}";
    String jsonFile = cli.encrypt("pgp.json", plain, "--pgp", pgp.fingerprint(),
        "--encrypted-regex", "^stringData$");
    assertThat(decryptor(null, pgp.file()).decrypt("pgp.json", json(jsonFile))).isEqualTo(json(plain));
  }

  @Test
  void multiDocumentYamlIsOneFileWithOneMac() throws Exception {
    String plain = SECRET + "---\n" + SECRET.replace("name: db", "name: cache");
    String encrypted = cli.encrypt("two.yaml", plain, "--age", age.recipient(),
        "--encrypted-regex", "^(data|stringData)$");

    assertThat(decryptor(age.file(), null).decrypt("two.yaml", yaml(encrypted))).isEqualTo(yaml(plain));
  }

  @Test
  void aValueChangedInTheClearIsRefusedByTheMac() throws Exception {
    String encrypted = cli.encrypt("secret.yaml", SECRET, "--age", age.recipient(),
        "--encrypted-regex", "^(data|stringData)$");
    String tampered = encrypted.replace("name: db", "name: elsewhere");

    assertThatThrownBy(() -> decryptor(age.file(), null).decrypt("apps/secret.yaml", yaml(tampered)))
        .isInstanceOf(SopsException.class)
        .hasMessage("apps/secret.yaml: its MAC does not match its content: the file was altered after encryption");
  }

  @Test
  void anEncryptedValueMovedToAnotherKeyIsRefusedNamingThePath() throws Exception {
    String encrypted = cli.encrypt("secret.yaml", SECRET, "--age", age.recipient(),
        "--encrypted-regex", "^(data|stringData)$");
    String tampered = encrypted.replaceFirst("password:", "passwort:");

    assertThatThrownBy(() -> decryptor(age.file(), null).decrypt("secret.yaml", yaml(tampered)))
        .hasMessage("secret.yaml: value at stringData.passwort does not authenticate: the file was altered after"
            + " encryption");
  }

  @Test
  void aFileForAnotherRecipientNamesTheFileAndItsRecipients() throws Exception {
    String forOther = cli.encrypt("other.yaml", SECRET, "--age", otherAge.recipient(),
        "--pgp", otherPgp.fingerprint());

    assertThatThrownBy(() -> decryptor(age.file(), pgp.file()).decrypt("apps/other.yaml", yaml(forOther)))
        .isInstanceOf(SopsException.class)
        .hasMessageStartingWith("apps/other.yaml: it is encrypted for [" + otherAge.recipient() + ", PGP "
            + otherPgp.fingerprint() + "]; none of the configured keys (for [" + age.recipient() + ", "
            + pgp.fingerprint() + "]) decrypts it")
        .satisfies(error -> assertThat(error.getMessage()).doesNotContain(SENTINEL).doesNotContain("AGE-SECRET"));
  }

  @Test
  void withoutAConfiguredKeyAnEncryptedFileSaysWhichSettingIsMissing() throws Exception {
    String encrypted = cli.encrypt("secret.yaml", SECRET, "--age", age.recipient());

    assertThatThrownBy(() -> SopsDecryptor.withoutKeys().decrypt("secret.yaml", yaml(encrypted)))
        .hasMessageContaining("secret.yaml: it is encrypted with SOPS for [" + age.recipient() + "]")
        .hasMessageContaining("sops.ageKeyFile or sops.pgpKeyFile");
  }

  @Test
  void structureOnlyChecksFormWithoutAKeyAndLeavesOutWhatCannotBeChecked() throws Exception {
    String partly = cli.encrypt("secret.yaml", SECRET, "--age", age.recipient(),
        "--encrypted-regex", "^(data|stringData)$");
    List<Map<String, Object>> checked = SopsDecryptor.structureOnly().decrypt("secret.yaml", yaml(partly));
    assertThat(checked).singleElement().satisfies(document -> {
      assertThat(document).containsEntry("kind", "Secret").doesNotContainKey("sops");
      assertThat(document.get("stringData")).isEqualTo(Map.of("password", "", "port", ""));
    });

    String whole = cli.encrypt("whole.yaml", SECRET, "--age", age.recipient());
    assertThat(SopsDecryptor.structureOnly().decrypt("whole.yaml", yaml(whole))).hasSize(1).containsOnlyNulls();

    String withoutMac = partly.replaceAll("(?m)^    mac: .*$", "    mac: \"\"");
    assertThatThrownBy(() -> SopsDecryptor.structureOnly().decrypt("secret.yaml", yaml(withoutMac)))
        .hasMessage("secret.yaml: it has no MAC (sops.mac); files without one are refused");

    String plainValue = partly.replaceFirst("password: ENC\\[[^\\]]*\\]", "password: " + SENTINEL);
    assertThatThrownBy(() -> SopsDecryptor.structureOnly().decrypt("secret.yaml", yaml(plainValue)))
        .hasMessage("secret.yaml: value at stringData.password should be encrypted but is not in the"
            + " ENC[AES256_GCM,…] form");
  }

  @Test
  void keyFilesAreNamedButNeverQuotedWhenUnusable() throws Exception {
    Path notAKey = work.resolve("broken.agekey");
    Files.writeString(notAKey, "# created: now\nAGE-SECRET-KEY-1" + SENTINEL.toUpperCase() + "\n");

    assertThatThrownBy(() -> SopsKeys.load(notAKey, null))
        .hasMessage(notAKey + ": age key file line 2 is not an age X25519 identity (AGE-SECRET-KEY-1…); plugin and"
            + " post-quantum identities are not supported");
    assertThatThrownBy(() -> SopsKeys.load(null, notAKey))
        .hasMessage(notAKey + ": PGP key file cannot be used: it holds no OpenPGP secret key (export one with"
            + " gpg --export-secret-keys)");
  }

  private static SopsDecryptor decryptor(Path ageKey, Path pgpKey) throws SopsException {
    return SopsDecryptor.with(SopsKeys.load(ageKey, pgpKey));
  }

  static List<Map<String, Object>> yaml(String text) throws IOException {
    return YAML.readerFor(new TypeReference<Map<String, Object>>() {}).<Map<String, Object>>readValues(text)
        .readAll();
  }

  private static List<Map<String, Object>> json(String text) throws IOException {
    return List.of(JSON.readValue(text, new TypeReference<Map<String, Object>>() {}));
  }
}
