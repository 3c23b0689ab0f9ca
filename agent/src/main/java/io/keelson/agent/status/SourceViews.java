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

/**
 * How a source's status view changes with each event — a fetch, a sync, Git becoming unreachable, a drift
 * correction. Pure: each function returns a new view.
 */
public final class SourceViews {

  static final int MAX_ERRORS = 50;
  static final int MAX_RECENT = 20;
  static final int MAX_CHANGES = 200;

  private SourceViews() {}

  public static SourceView initial(String name, String url, String ref, List<String> paths) {
    return new SourceView(name, url, ref, List.copyOf(paths), "Pending", "nothing applied yet", null, null, null,
        false, "", null, List.of(), List.of(), List.of());
  }

  /**
   * A view kept from before a restart, with the URL as configured now: the URL may have changed, and a view
   * stored by an older version may show it unmasked.
   */
  public static SourceView restored(SourceView view, String url) {
    return new SourceView(view.name(), url, view.ref(), view.paths(), view.state(), view.notConverged(),
        view.fetched(), view.applied(), view.lastSync(), view.stale(), view.staleReason(), view.lastFetchAt(),
        view.errors(), view.driftCorrections(), view.prunes());
  }

  public static SourceView fetched(SourceView view, RevisionView revision, Instant at) {
    return new SourceView(view.name(), view.url(), view.ref(), view.paths(), view.stale() ? stateOf(view) : view.state(),
        view.notConverged(), revision, view.applied(), view.lastSync(), false, "", at, view.errors(),
        view.driftCorrections(), view.prunes());
  }

  /** Git could not be reached or the head was refused: the last applied state stays, marked stale. */
  public static SourceView stale(SourceView view, String reason, Instant at) {
    return new SourceView(view.name(), view.url(), view.ref(), view.paths(), "Stale", reason, view.fetched(),
        view.applied(), view.lastSync(), true, reason, at, view.errors(), view.driftCorrections(), view.prunes());
  }

  public static SourceView synced(SourceView view, SyncResult result, RevisionView revision) {
    boolean applied = result.outcome() == SyncResult.Outcome.APPLIED;
    String state = !applied ? "Failed" : result.converged() ? "Ready" : "NotConverged";
    List<ChangeView> prunes = new ArrayList<>(result.changes().with(Action.DELETED).stream()
        .map(SourceViews::change).toList());
    prunes.addAll(view.prunes());
    return new SourceView(view.name(), view.url(), view.ref(), view.paths(), state, result.notConverged(),
        view.fetched(), applied ? revision : view.applied(), sync(result), false, "", view.lastFetchAt(),
        errors(result), view.driftCorrections(), bounded(prunes, MAX_RECENT));
  }

  public static SourceView drifted(SourceView view, DriftCorrection correction) {
    List<DriftView> drift = new ArrayList<>();
    drift.add(new DriftView(correction.ref().toString(), correction.changedBy(), correction.fields(),
        correction.action().word(), correction.at()));
    drift.addAll(view.driftCorrections());
    return new SourceView(view.name(), view.url(), view.ref(), view.paths(), view.state(), view.notConverged(),
        view.fetched(), view.applied(), view.lastSync(), view.stale(), view.staleReason(), view.lastFetchAt(),
        view.errors(), bounded(drift, MAX_RECENT), view.prunes());
  }

  private static String stateOf(SourceView view) {
    if (view.lastSync() == null) {
      return "Pending";
    }
    return !"APPLIED".equals(view.lastSync().outcome()) ? "Failed" : view.notConverged().isEmpty() ? "Ready"
        : "NotConverged";
  }

  private static SyncView sync(SyncResult result) {
    List<ChangeView> changes = result.changes().changes().stream()
        .filter(change -> change.action() != Action.UNCHANGED).map(SourceViews::change).toList();
    return new SyncView(result.outcome().name(), result.finishedAt(), result.duration().toMillis(),
        result.changes().summary(), bounded(changes, MAX_CHANGES));
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
