package io.keelson.agent.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.api.StatusView.RevisionView;
import io.keelson.agent.api.StatusView.SourceView;
import io.keelson.agent.api.StatusView.SyncView;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.plan.Action;
import io.keelson.agent.plan.Change;
import io.keelson.agent.plan.ChangeSet;
import io.keelson.agent.sync.SyncResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SourceViewsTest {

  private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
  private static final ObjectRef LEGACY = new ObjectRef("", "v1", "ConfigMap", "shop", "legacy");
  private static final ObjectRef QUOTA = new ObjectRef("", "v1", "ConfigMap", "shop", "quota");
  private static final ObjectRef CART = new ObjectRef("apps", "v1", "Deployment", "shop", "cart");

  private static SyncResult result(String revision, SyncResult.Outcome outcome, List<Change> changes,
      Optional<String> pruneRefusal, String notConverged, int second) {
    return new SyncResult("shop", revision, outcome, new ChangeSet(changes), List.of(), List.of(), pruneRefusal,
        List.of(), notConverged, NOW.plusSeconds(second), Duration.ofMillis(100), List.of());
  }

  private static SourceView after(SourceView view, SyncResult result) {
    return SourceViews.synced(view, result, new RevisionView(result.revision(), "Ana", "commit", NOW));
  }

  @Test
  void aNoOpSyncDoesNotHideTheSyncThatDeletedAndFailedObjects() {
    SourceView view = SourceViews.initial("shop", "https://git.example.com/shop.git", "main", List.of("."));
    SyncResult eventful = result("c1", SyncResult.Outcome.FAILED, List.of(new Change(LEGACY, Action.DELETED,
        "removed from Git"), new Change(QUOTA, Action.FAILED, "exceeded quota"), Change.of(CART, Action.UNCHANGED)),
        Optional.empty(), "ConfigMap shop/quota failed (exceeded quota)", 1);
    SyncResult noOp = result("c1", SyncResult.Outcome.APPLIED, List.of(Change.of(CART, Action.UNCHANGED),
        Change.of(QUOTA, Action.UNCHANGED)), Optional.empty(), "", 2);

    SourceView later = after(after(view, eventful), noOp);

    assertThat(later.lastSync().summary()).isEqualTo("2 unchanged");
    assertThat(later.recentSyncs()).singleElement().satisfies(sync -> {
      assertThat(sync.outcome()).isEqualTo("FAILED");
      assertThat(sync.revision()).isEqualTo("c1");
      assertThat(sync.changes()).extracting(c -> c.object() + " " + c.action())
          .containsExactly("ConfigMap shop/legacy deleted", "ConfigMap shop/quota failed");
    });
  }

  @Test
  void aRepeatedRefusalIsOneEntryAndTheHistoryIsBounded() {
    SourceView view = SourceViews.initial("shop", "https://git.example.com/shop.git", "main", List.of("."));
    SyncResult refused = result("c2", SyncResult.Outcome.REJECTED, List.of(), Optional.empty(),
        "revision rejected by the API server: Deployment shop/cart: selector", 1);
    view = after(after(view, refused), result("c2", SyncResult.Outcome.REJECTED, List.of(), Optional.empty(),
        "revision rejected by the API server: Deployment shop/cart: selector (the API server refused this render"
            + " at 10:00:01)", 2));
    assertThat(view.recentSyncs()).extracting(SyncView::summary)
        .containsExactly("nothing written: revision rejected by the API server: Deployment shop/cart: selector");

    for (int i = 0; i < SourceViews.MAX_SYNCS + 5; i++) {
      view = after(view, result("c" + (10 + i), SyncResult.Outcome.APPLIED, List.of(Change.of(CART, Action.CONFIGURED)),
          Optional.empty(), "", 10 + i));
    }
    assertThat(view.recentSyncs()).hasSize(SourceViews.MAX_SYNCS);
    assertThat(view.recentSyncs().get(0).revision()).isEqualTo("c" + (10 + SourceViews.MAX_SYNCS + 4));
  }

  @Test
  void aRefusedMassPruneLeavesTheSourceNotConvergedAndIsRemembered() {
    SourceView view = SourceViews.initial("shop", "https://git.example.com/shop.git", "main", List.of("."));
    String refusal = "prune refused: it would delete 11 of 12 objects (92%), more than the allowed 50%;"
        + " set prune.allowMassPrune to let it proceed";

    SourceView refused = after(view, result("c3", SyncResult.Outcome.APPLIED, List.of(Change.of(CART,
        Action.UNCHANGED)), Optional.of(refusal), refusal, 1));

    assertThat(refused.state()).isEqualTo("NotConverged");
    assertThat(refused.notConverged()).isEqualTo(refusal);
    assertThat(refused.recentSyncs()).hasSize(1);
  }

  @Test
  void aRestoredViewShowsTheUrlAsConfiguredNowAndKeepsEverythingElse() {
    SourceView stored = SourceViews.stale(SourceViews.initial("apps", "https://ghp_token@git.example.com/c.git",
        "main", List.of("apps")), "timeout after 5s", Instant.parse("2026-01-01T00:00:00Z"));

    SourceView restored = SourceViews.restored(stored, "https://***@git.example.com/c.git");

    assertThat(restored.url()).isEqualTo("https://***@git.example.com/c.git");
    assertThat(restored).usingRecursiveComparison().ignoringFields("url").isEqualTo(stored);
  }
}
