package io.keelson.agent.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.api.StatusView.SourceView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceViewsTest {

  @Test
  void aRestoredViewShowsTheUrlAsConfiguredNowAndKeepsEverythingElse() {
    SourceView stored = SourceViews.stale(SourceViews.initial("apps", "https://ghp_token@git.example.com/c.git",
        "main", List.of("apps")), "timeout after 5s", Instant.parse("2026-01-01T00:00:00Z"));

    SourceView restored = SourceViews.restored(stored, "https://***@git.example.com/c.git");

    assertThat(restored.url()).isEqualTo("https://***@git.example.com/c.git");
    assertThat(restored).usingRecursiveComparison().ignoringFields("url").isEqualTo(stored);
  }
}
