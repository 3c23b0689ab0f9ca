package io.keelson.agent.status;

import io.keelson.agent.api.StatusView.ChangeView;
import io.keelson.agent.api.StatusView.DriftView;
import io.keelson.agent.api.StatusView.ErrorView;
import io.keelson.agent.api.StatusView.RevisionView;
import io.keelson.agent.api.StatusView.SourceView;
import io.keelson.agent.api.StatusView.SyncView;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.plan.Action;
import io.keelson.agent.plan.Change;
import io.keelson.agent.sync.DriftCorrection;
import io.keelson.agent.sync.ObjectError;
import io.keelson.agent.sync.SyncResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a source's status view changes with each event — a fetch, a sync, Git becoming unreachable, a drift
 * correction. Pure: each function returns a new view.
 */
public final class SourceViews {

  static final int MAX_ERRORS = 50;
  static final int MAX_RECENT = 20;
  static final int MAX_CHANGES = 200;
  static final int MAX_SYNCS = 10;
  static final int MAX_SYNC_CHANGES = 25;

  private SourceViews() {}

  public static SourceView initial(String name, String url, String ref, List<String> paths) {
    return new SourceView(name, url, ref, List.copyOf(paths), "Pending", "nothing applied yet", null, null, null,
        false, "", null, List.of(), List.of(), List.of(), List.of());
  }

  /**
   * A view kept from before a restart, with the URL as configured now: the URL may have changed, and a view
   * stored by an older version may show it unmasked.
   */
  public static SourceView restored(SourceView view, String url) {
    return new SourceView(view.name(), url, view.ref(), view.paths(), view.state(), view.notConverged(),
        view.fetched(), view.applied(), view.lastSync(), view.stale(), view.staleReason(), view.lastFetchAt(),
        view.errors(), view.driftCorrections(), view.prunes(), recentSyncs(view));
  }

  public static SourceView fetched(SourceView view, RevisionView revision, Instant at) {
    return new SourceView(view.name(), view.url(), view.ref(), view.paths(), view.stale() ? stateOf(view) : view.state(),
        view.notConverged(), revision, view.applied(), view.lastSync(), false, "", at, view.errors(),
        view.driftCorrections(), view.prunes(), recentSyncs(view));
  }

  /** Git could not be reached or the head was refused: the last applied state stays, marked stale. */
  public static SourceView stale(SourceView view, String reason, Instant at) {
    return new SourceView(view.name(), view.url(), view.ref(), view.paths(), "Stale", reason, view.fetched(),
        view.applied(), view.lastSync(), true, reason, at, view.errors(), view.driftCorrections(), view.prunes(),
        recentSyncs(view));
  }

  public static SourceView synced(SourceView view, SyncResult result, RevisionView revision) {
    boolean applied = result.outcome() == SyncResult.Outcome.APPLIED;
    String state = !applied ? "Failed" : result.converged() ? "Ready" : "NotConverged";
    List<ChangeView> prunes = new ArrayList<>(result.changes().with(Action.DELETED).stream()
        .map(SourceViews::change).toList());
    prunes.addAll(view.prunes());
    SyncView sync = sync(result, MAX_CHANGES);
    return new SourceView(view.name(), view.url(), view.ref(), view.paths(), state, result.notConverged(),
        view.fetched(), applied ? revision : view.applied(), sync, false, "", view.lastFetchAt(),
        errors(result), view.driftCorrections(), bounded(prunes, MAX_RECENT), remember(recentSyncs(view), result));
  }

  public static SourceView drifted(SourceView view, DriftCorrection correction) {
    List<DriftView> drift = new ArrayList<>();
    drift.add(new DriftView(correction.ref().toString(), correction.changedBy(), correction.fields(),
        correction.action().word(), correction.at(), correction.error()));
    drift.addAll(view.driftCorrections());
    return new SourceView(view.name(), view.url(), view.ref(), view.paths(), view.state(), view.notConverged(),
        view.fetched(), view.applied(), view.lastSync(), view.stale(), view.staleReason(), view.lastFetchAt(),
        view.errors(), bounded(drift, MAX_RECENT), view.prunes(), recentSyncs(view));
  }

  private static String stateOf(SourceView view) {
    if (view.lastSync() == null) {
      return "Pending";
    }
    return !"APPLIED".equals(view.lastSync().outcome()) ? "Failed" : view.notConverged().isEmpty() ? "Ready"
        : "NotConverged";
  }

  private static SyncView sync(SyncResult result, int maxChanges) {
    List<ChangeView> changes = result.changes().changes().stream()
        .filter(change -> change.action() != Action.UNCHANGED).map(SourceViews::change).toList();
    return new SyncView(result.outcome().name(), result.finishedAt(), result.duration().toMillis(),
        result.summary(), bounded(changes, maxChanges), result.revision());
  }

  /**
   * The sync history with this sync in front, if it did something worth reading later: changed, skipped or
   * failed an object, was refused, or could not prune. A no-op resync leaves the history alone, and so does a
   * sync that only repeats the one before it (the same revision refused again for the same reason).
   */
  static List<SyncView> remember(List<SyncView> history, SyncResult result) {
    boolean eventful = result.outcome() != SyncResult.Outcome.APPLIED || result.pruneRefusal().isPresent()
        || result.changes().changes().stream().anyMatch(change -> change.action() != Action.UNCHANGED);
    SyncView sync = sync(result, MAX_SYNC_CHANGES);
    if (!eventful || (!history.isEmpty() && sameAs(history.get(0), sync))) {
      return history;
    }
    List<SyncView> next = new ArrayList<>();
    next.add(sync);
    next.addAll(history);
    return bounded(next, MAX_SYNCS);
  }

  /** The same revision with the same outcome and changes; a rejection's wording may differ (a remembered verdict). */
  private static boolean sameAs(SyncView a, SyncView b) {
    return a.outcome().equals(b.outcome()) && Objects.equals(a.revision(), b.revision())
        && a.changes().equals(b.changes())
        && (a.summary().equals(b.summary()) || SyncResult.Outcome.REJECTED.name().equals(a.outcome()));
  }

  /** Stored views written before the history existed have none. */
  private static List<SyncView> recentSyncs(SourceView view) {
    return view.recentSyncs() == null ? List.of() : view.recentSyncs();
  }

  private static ChangeView change(Change change) {
    return new ChangeView(change.ref().toString(), change.action().word(), change.reason());
  }

  private static List<ErrorView> errors(SyncResult result) {
    List<ErrorView> errors = new ArrayList<>();
    for (RenderError error : result.renderErrors()) {
      errors.add(new ErrorView(error.origin().file(), error.origin().line(), error.origin().document(), "",
          error.reason()));
    }
    for (ObjectError error : result.objectErrors()) {
      errors.add(new ErrorView(error.origin() == null ? "" : error.origin().file(),
          error.origin() == null ? 0 : error.origin().line(), error.origin() == null ? 0 : error.origin().document(),
          error.ref().toString(), error.message()));
    }
    for (Change failed : result.changes().with(Action.FAILED)) {
      errors.add(new ErrorView("", 0, 0, failed.ref().toString(), failed.reason()));
    }
    return bounded(errors, MAX_ERRORS);
  }

  private static <T> List<T> bounded(List<T> items, int max) {
    return List.copyOf(items.size() > max ? items.subList(0, max) : items);
  }
}
