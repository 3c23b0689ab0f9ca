package io.keelson.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keelson.testkit.ProjectTools;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxRepoTest {

  @TempDir Path dir;

  @Test
  void seedsOnceFromTheProjectAndKeepsCommitsAcrossRestarts() throws Exception {
    Path root = ProjectTools.projectRoot();
    SandboxRepo first = SandboxRepo.openOrSeed(dir.resolve("config"), root);
    assertThat(first.read("manifests/shop/cart/deployment.yaml"))
        .isEqualTo(Files.readString(root.resolve("manifests/shop/cart/deployment.yaml")));
    assertThat(first.read("policies/cart.yaml")).isEqualTo(Files.readString(root.resolve("policies/cart.yaml")));
    String seed = first.head();

    String mine = first.edit("manifests/shop/cart/deployment.yaml", text -> text.replace("cart:1.4.2", "cart:1.5.0"),
        "cart 1.5.0");

    // A restart opens the same repository: the commit is still there and nothing is seeded again.
    SandboxRepo again = SandboxRepo.openOrSeed(dir.resolve("config"), root);
    assertThat(again.head()).isEqualTo(mine).isNotEqualTo(seed);
    assertThat(again.read("manifests/shop/cart/deployment.yaml")).contains("cart:1.5.0");

    String reverted = again.revert(mine);
    assertThat(again.read("manifests/shop/cart/deployment.yaml")).contains("cart:1.4.2");
    assertThat(reverted).isNotEqualTo(mine);
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
