package io.keelson.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.keelson.agent.render.sops.SopsDecryptor;
import io.keelson.testkit.ProjectTools;
import io.keelson.testkit.SopsCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxRepoTest {

  private static final String OVERLAY = SandboxRepo.OVERLAY + "/kustomization.yaml";
  private static final String SECRET = SandboxRepo.OVERLAY + "/payment-gateway.secret.yaml";

  @TempDir Path dir;

  @Test
  void seedsOnceFromTheProjectAndKeepsCommitsAcrossRestarts() throws Exception {
    Path root = ProjectTools.projectRoot();
    SandboxRepo first = SandboxRepo.openOrSeed(dir.resolve("config"), root);
    assertThat(first.read(OVERLAY)).isEqualTo(Files.readString(root.resolve(OVERLAY)));
    assertThat(first.read("policies/cart.yaml")).isEqualTo(Files.readString(root.resolve("policies/cart.yaml")));
    String seed = first.head();

    String mine = first.edit(OVERLAY, text -> text.replace("newTag: \"1.4.2\"", "newTag: \"1.5.0\""), "cart 1.5.0");

    // A restart opens the same repository: the commit is still there and nothing is seeded again.
    SandboxRepo again = SandboxRepo.openOrSeed(dir.resolve("config"), root);
    assertThat(again.head()).isEqualTo(mine).isNotEqualTo(seed);
    assertThat(again.read(OVERLAY)).contains("newTag: \"1.5.0\"");

    String reverted = again.revert(mine);
    assertThat(again.read(OVERLAY)).contains("newTag: \"1.4.2\"");
    assertThat(reverted).isNotEqualTo(mine);
  }

  /**
   * The seed's secret is committed encrypted, by the real sops, for an age key made for this sandbox and kept beside
   * the repository, not in it; the agent's decryptor opens it with that key. A new seed beside the key reuses it.
   */
  @Test
  void theSeedsSecretIsCommittedEncryptedForTheSandboxesOwnKeyKeptOutsideTheRepository() throws Exception {
    SandboxRepo repo = SandboxRepo.openOrSeed(dir.resolve("config"), ProjectTools.projectRoot());
    String committed = repo.git("show", "HEAD:" + SECRET);
    String recipient = SopsCli.ageKeyOf(repo.ageKeyFile()).recipient();

    assertThat(committed).doesNotContain("demo-not-a-real-key").contains("api-key: ENC[AES256_GCM,", recipient);
    assertThat(repo.read(".sops.yaml")).contains("age: " + recipient, "mac_only_encrypted: true");
    assertThat(repo.ageKeyFile().startsWith(repo.dir())).as("the key inside the repository").isFalse();
    assertThat(repo.git("ls-files")).doesNotContain("sops-age.key").contains(".sops.yaml");
    assertThat(decrypt(repo, committed)).containsEntry("api-key", "demo-not-a-real-key");

    SandboxRepo reseeded = SandboxRepo.openOrSeed(dir.resolve("config-again"), ProjectTools.projectRoot());
    assertThat(reseeded.ageKeyFile()).isEqualTo(repo.ageKeyFile());
    assertThat(reseeded.read(".sops.yaml")).contains("age: " + recipient);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> decrypt(SandboxRepo repo, String encrypted) throws Exception {
    Object document = new ObjectMapper(new YAMLFactory()).readValue(encrypted, Object.class);
    return (Map<String, Object>) SopsDecryptor.withKeyFiles(repo.ageKeyFile(), null).decrypt(SECRET, List.of(document))
        .get(0).get("stringData");
  }

  @Test
  void anEditThatChangesNothingIsRefusedRatherThanCommittedEmpty() {
    SandboxRepo repo = SandboxRepo.openOrSeed(dir.resolve("config"), ProjectTools.projectRoot());
    assertThatThrownBy(() -> repo.edit("policies/cart.yaml", text -> text, "nothing"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("changes nothing");
  }

  @Test
  void theCommitHookNotifiesTheAgentsWebhookWithTheSecretFromItsFile() throws Exception {
    SandboxRepo repo = SandboxRepo.openOrSeed(dir.resolve("config"), ProjectTools.projectRoot());
    repo.installCommitHook("http://127.0.0.1:8080/hooks/sandbox", "/run/secret");
    Path hook = dir.resolve("config/.git/hooks/post-commit");
    assertThat(hook).isExecutable();
    assertThat(Files.readString(hook)).contains("X-Gitlab-Token: $(cat '/run/secret')")
        .contains("'http://127.0.0.1:8080/hooks/sandbox'");
  }
}
