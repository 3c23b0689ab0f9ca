package io.keelson.agent.cli;

import io.keelson.agent.api.StatusView;
import io.keelson.agent.api.StatusView.ChangeView;
import io.keelson.agent.api.StatusView.DriftView;
import io.keelson.agent.api.StatusView.ErrorView;
import io.keelson.agent.api.StatusView.ActionView;
import io.keelson.agent.api.StatusView.ReleaseView;
import io.keelson.agent.api.StatusView.RevisionView;
import io.keelson.agent.api.StatusView.SourceView;
import io.keelson.agent.api.StatusView.SyncView;
import io.keelson.agent.api.StatusView.VerdictView;
import java.time.Instant;
import java.util.List;

/** Status values as an agent reports them, shared by the table, client and page tests. */
public final class StatusFixtures {

  public static final Instant NOW = Instant.parse("2026-11-22T03:00:00Z");

  public static final String APPLIED_SHA = "4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39";
  public static final String FETCHED_SHA = "b81c07d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2c4";
  public static final String NOT_CONVERGED =
      "Deployment shop/cart: rejected at apps/cart.yaml:12 — spec.replicas must be an integer";

  private StatusFixtures() {}

  public static StatusView status(List<SourceView> sources, List<ReleaseView> releases) {
    return new StatusView("keelson-agent", "0.1.0", NOW, true, "keelson-agent-7d9f-abcde", sources, releases);
  }

  public static RevisionView applied() {
    return new RevisionView(APPLIED_SHA, "Ana Lima <ana@example.com>", "cart: raise memory limit to 512Mi",
        NOW.minusSeconds(3 * 3600 + 120));
  }

  public static RevisionView fetched() {
    return new RevisionView(FETCHED_SHA, "Bo Chen <bo@example.com>", "cart: replicas from values\n\nlong body",
        NOW.minusSeconds(300));
  }

  public static SourceView converged() {
    return new SourceView("platform", "https://git.example.com/platform/config.git", "main", List.of("infra"),
        "Ready", "", applied(), applied(),
        new SyncView("APPLIED", NOW.minusSeconds(42), 1240, "12 unchanged, 1 configured",
            List.of(new ChangeView("ConfigMap infra/settings", "configured", "data.mode changed")), APPLIED_SHA),
        false, "", NOW.minusSeconds(40), List.of(),
        List.of(new DriftView("Deployment infra/gateway", "kubectl-edit", List.of("spec.replicas"), "reverted",
            NOW.minusSeconds(600), "")),
        List.of(new ChangeView("ConfigMap infra/old-settings", "deleted", "no longer in Git")), List.of());
  }

  public static SourceView failing() {
    return new SourceView("shop", "https://git.example.com/shop/config.git", "main", List.of("apps"),
        "Failed", NOT_CONVERGED, fetched(), applied(),
        new SyncView("REJECTED", NOW.minusSeconds(65), 830, "rejected before any write: 2 errors", List.of(),
            FETCHED_SHA),
        false, "", NOW.minusSeconds(20),
        List.of(new ErrorView("apps/cart.yaml", 12, 1, "Deployment shop/cart",
                "spec.replicas: expected an integer, got \"three\""),
            new ErrorView("", 0, 0, "Service shop/cart-canary", "admission webhook denied the request")),
        List.of(), List.of(), List.of(
            new SyncView("REJECTED", NOW.minusSeconds(65), 830, "rejected before any write: 2 errors", List.of(),
                FETCHED_SHA),
            new SyncView("FAILED", NOW.minusSeconds(3600), 1510, "1 deleted, 1 failed",
                List.of(new ChangeView("ConfigMap shop/legacy", "deleted", "removed from Git"),
                    new ChangeView("ConfigMap shop/quota", "failed", "exceeded quota: shop-quota")), APPLIED_SHA)));
  }

  public static SourceView stale() {
    return new SourceView("billing", "https://git.example.com/billing/config.git", "main", List.of("."),
        "Stale", "", applied(), applied(),
        new SyncView("APPLIED", NOW.minusSeconds(7200), 2100, "30 unchanged", List.of(), APPLIED_SHA),
        true, "git.example.com: connection timed out", NOW.minusSeconds(5400), List.of(), List.of(), List.of(),
        List.of());
  }

  public static ReleaseView progressing() {
    return new ReleaseView("shop", "cart", "Progressing", 20, 2, "cart-7c9d5f (b81c07d)", "cart-5b8e21 (4f2a9c1)",
        "step 2 of 5: 20% to the canary, checks passing",
        List.of(new VerdictView("error-rate", "PASS", 0.002, 1840L, "2m"),
            new VerdictView("latency-p99", "INCONCLUSIVE", null, 12L, "2m")),
        List.of(new ActionView("pause", "alice", NOW.minusSeconds(300).toString(), true, ""),
            new ActionView("promote", "bob", NOW.minusSeconds(600).toString(), false, "the current step has a FAIL")),
        "gateway-api", null);
  }

  public static ReleaseView idle() {
    return new ReleaseView("shop", "checkout", "Idle", null, null, "", "checkout-9a8b7c (4f2a9c1)", "", List.of(), List.of(),
        "istio", null);
  }
}
