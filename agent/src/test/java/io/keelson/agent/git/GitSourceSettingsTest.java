package io.keelson.agent.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GitSourceSettingsTest {

  @ParameterizedTest
  @CsvSource({
      "main, refs/heads/main",
      "release/1.x, refs/heads/release/1.x",
      "refs/heads/main, refs/heads/main",
      "tag:v1.2.0, refs/tags/v1.2.0",
      "refs/tags/v1, refs/tags/v1",
      "refs/pull/7/head, refs/pull/7/head"})
  void refsAreBranchesTagsOrFullNames(String ref, String full) {
    assertThat(GitSourceSettings.of("s", "https://git.example.com/config.git", ref).fullRef()).isEqualTo(full);
  }

  @Test
  void aPasswordInTheUrlIsRejectedWithoutShowingIt() {
    assertThatThrownBy(() -> GitSourceSettings.of("s", "https://ada:hunter2@git.example.com/config.git", "main"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not contain a password")
        .hasMessageNotContaining("hunter2");
  }

  @ParameterizedTest
  @CsvSource({
      "https://ghp_token123@git.example.com/config.git, https://***@git.example.com/config.git",
      "HTTP://ada@git.example.com:8080/config.git, HTTP://***@git.example.com:8080/config.git",
      "https://git.example.com/a@b/config.git, https://git.example.com/a@b/config.git",
      "ssh://git@git.example.com/config.git, ssh://git@git.example.com/config.git",
      "git@git.example.com:org/config.git, git@git.example.com:org/config.git"})
  void theUserPartOfAnHttpUrlIsMaskedWhereverTheUrlIsShown(String url, String shown) {
    assertThat(GitSourceSettings.of("s", url, "main").displayUrl()).isEqualTo(shown);
  }

  @Test
  void anInvalidRefIsRejected() {
    assertThatThrownBy(() -> GitSourceSettings.of("s", "https://git.example.com/config.git", "bad..ref"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad..ref");
  }

  @Test
  void secretsNeverAppearInToString() {
    GitSourceSettings settings = GitSourceSettings.of("s", "https://git.example.com/config.git", "main")
        .withAuth(new GitAuth.Basic("ada", "hunter2"));

    assertThat(settings.toString()).contains("ada").doesNotContain("hunter2");
    assertThat(new GitAuth.Token("ghp_abcdef").toString()).doesNotContain("ghp_abcdef");
  }

  @Test
  void timeoutsRoundUpToWholeSecondsAndDefault() {
    GitSourceSettings settings = GitSourceSettings.of("s", "git@git.example.com:org/config.git", "main");

    assertThat(settings.timeout()).isEqualTo(GitSourceSettings.DEFAULT_TIMEOUT);
    assertThat(settings.withTimeout(Duration.ofMillis(1500)).timeoutSeconds()).isEqualTo(2);
    assertThat(settings.withTimeout(Duration.ofMillis(10)).timeoutSeconds()).isEqualTo(1);
    assertThatThrownBy(() -> settings.withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }
}
