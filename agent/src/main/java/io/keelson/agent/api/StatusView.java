package io.keelson.agent.api;

import java.time.Instant;
import java.util.List;

/**
 * The agent's status as {@code GET /api/v1/status} returns it and the status page and CLI show it: built
 * for the on-call engineer, not a dump of internal objects.
 *
 * @param leader whether the answering replica is the leader; a follower shows the leader's last state
 * @param leaderIdentity who holds the lease (empty when nobody does)
 */
public record StatusView(String agent, String version, Instant generatedAt, boolean leader, String leaderIdentity,
    List<SourceView> sources, List<ReleaseView> releases) {

  /**
   * One Git source.
   *
   * @param state Ready (converged), NotConverged, Failed (last sync failed or was rejected), Stale (Git not
   *     reachable: the last applied state is kept), Pending (nothing applied yet)
   * @param notConverged one line saying why the cluster does not match, naming the blocking object
   * @param recentSyncs the last syncs that changed, refused or failed something, newest first (bounded), so a
   *     later no-op sync does not hide what an earlier one did
   */
  public record SourceView(String name, String url, String ref, List<String> paths, String state,
      String notConverged, RevisionView fetched, RevisionView applied, SyncView lastSync, boolean stale,
      String staleReason, Instant lastFetchAt, List<ErrorView> errors, List<DriftView> driftCorrections,
      List<ChangeView> prunes, List<SyncView> recentSyncs) {}

  /** A Git commit. */
  public record RevisionView(String sha, String author, String message, Instant time) {}

  /** A sync: its outcome (APPLIED, REJECTED, FAILED), when, how long, its ChangeSet and the revision synced. */
  public record SyncView(String outcome, Instant finishedAt, long durationMillis, String summary,
      List<ChangeView> changes, String revision) {}

  /** What is wrong and where: the file, line and document of a manifest, or the object the server refused. */
  public record ErrorView(String file, int line, int document, String object, String message) {}

  /** A change by someone else that was put back; {@code error} says why it could not be, empty when it was. */
  public record DriftView(String object, String changedBy, List<String> fields, String action, Instant at,
      String error) {}

  /** One object's entry in a ChangeSet: {@code Deployment shop/cart}, {@code configured}, why. */
  public record ChangeView(String object, String action, String reason) {}

  /**
   * One ReleasePolicy: where its release stands, its last verdicts, the manual actions taken on it, the
   * routing API carrying its traffic ({@code istio} or {@code gateway-api}) and, in {@code failure}, why its
   * last tick could not finish (e.g. its status write was refused), else null.
   */
  public record ReleaseView(String namespace, String name, String phase, Integer canaryWeight, Integer step,
      String candidate, String stable, String message, List<VerdictView> lastVerdicts, List<ActionView> actions,
      String router, String failure) {}

  /** A manual action: what, who, when, and whether it was carried out (and why not). */
  public record ActionView(String action, String by, String at, Boolean accepted, String message) {}

  /** One analysis verdict: PASS, FAIL, INCONCLUSIVE or ERROR, with its evidence. */
  public record VerdictView(String check, String verdict, Double value, Long samples, String window) {}
}
