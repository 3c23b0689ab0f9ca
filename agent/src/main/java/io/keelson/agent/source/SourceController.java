package io.keelson.agent.source;

import io.keelson.agent.api.StatusView.RevisionView;
import io.keelson.agent.api.StatusView.SourceView;
import io.keelson.agent.events.EventRecorder;
import io.keelson.agent.git.FetchResult;
import io.keelson.agent.git.GitSource;
import io.keelson.agent.git.GitSourceException;
import io.keelson.agent.git.Revision;
import io.keelson.agent.leader.WriteFence;
import io.keelson.agent.metrics.AgentMetrics;
import io.keelson.agent.render.TreeIds;
import io.keelson.agent.status.SourceViews;
import io.keelson.agent.sync.DriftCorrection;
import io.keelson.agent.sync.Snapshot;
import io.keelson.agent.sync.SyncResult;
import io.keelson.agent.sync.Synchronizer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Git source, end to end: asks Git for the head, fetches a new revision, syncs it, and keeps the
 * source's status view. The latest revision always wins; when Git cannot be reached the source is marked
 * stale and the revision fetched last is still synced, so release decisions reach the cluster meanwhile.
 * {@link #reconcile} never throws: every failure ends up in the status.
 *
 * <p>This controller is the only writer of its view, and every change to it is one step under one lock, from
 * whichever thread it comes (the scheduler's reconcile, the drift watcher's reports): no change is lost to
 * another made at the same time. The lock is not the reconcile's, so a drift report never waits for a sync
 * in a long health wait.
 */
public final class SourceController implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SourceController.class);

  private final String name;
  private final List<String> paths;
  private final GitSource git;
  private final Synchronizer synchronizer;
  private final AgentMetrics metrics;
  private final EventRecorder events;
  private final Clock clock;
  private final Consumer<SourceView> changed;
  private final ReleaseSink releases;
  private final AtomicBoolean pending = new AtomicBoolean();
  private final Object viewLock = new Object();
  private volatile SourceView view;
  private Revision fetched;
  private Path tree;
  private TreeIds ids = TreeIds.NONE;
  private SyncResult.Outcome lastOutcome;

  /**
   * @param synchronizer builds this source's synchronizer, given where it reports drift corrections (this
   *     controller's {@link #driftCorrected})
   * @param changed told of each new view, after it is in place
   */
  public SourceController(String name, List<String> paths, GitSource git,
      Function<Consumer<DriftCorrection>, Synchronizer> synchronizer, AgentMetrics metrics, EventRecorder events,
      Clock clock, SourceView initial, Consumer<SourceView> changed, ReleaseSink releases) {
    this.name = name;
    this.paths = List.copyOf(paths);
    this.git = git;
    this.synchronizer = synchronizer.apply(this::driftCorrected);
    this.metrics = metrics;
    this.events = events;
    this.clock = clock;
    this.view = initial;
    this.changed = changed;
    this.releases = releases;
    metrics.stale(name, initial.stale());
  }

  /** Receives where a source's governed Deployments stand after each sync. */
  @FunctionalInterface
  public interface ReleaseSink {
    void observed(String source, List<io.keelson.release.deploy.ReleaseAwareRender.Release> releases, String revision);
  }

  public String name() {
    return name;
  }

  public SourceView view() {
    return view;
  }

  /**
   * Marks a sync as wanted; true if none was pending, so the caller triggers one. Several webhooks while a
   * sync runs coalesce into one more sync.
   */
  public boolean requestSync() {
    return pending.compareAndSet(false, true);
  }

  /** One reconcile: head, fetch if new, sync. Runs on the scheduler, never two at once for a source. */
  public synchronized void reconcile() {
    pending.set(false);
    String gitDown = null;
    try {
      String head = git.remoteHead();
      if (fetched == null || tree == null || !head.equals(fetched.sha())) {
        FetchResult result = git.fetch(appliedSha());
        fetched = result.revision();
        tree = result.tree();
        ids = result.ids();
        if (!result.pathsChanged()) {
          LOG.info("source {}: {} changes nothing under {}", name, shortSha(fetched.sha()), paths);
        }
      }
    } catch (GitSourceException e) {
      metrics.gitFailed(name, e.reason().name());
      Instant at = clock.instant();
      update(current -> SourceViews.stale(current, e.getMessage(), at));
      if (fetched == null) {
        // Restarted while Git is down: the checkout the last process fetched is still in the cache.
        git.lastCheckout().ifPresent(kept -> {
          fetched = kept.revision();
          tree = kept.tree();
          ids = kept.ids();
        });
      }
      if (fetched == null) {
        LOG.warn("source {}: Git is not usable, keeping the last applied state: {}", name, e.getMessage());
        return;
      }
      // The revision fetched last is still synced: a release decision (a rollback while promoting) changes
      // what it renders to and must reach the cluster whether Git answers or not.
      LOG.warn("source {}: Git is not usable, syncing the last fetched revision {}: {}", name,
          shortSha(fetched.sha()), e.getMessage());
      gitDown = e.getMessage();
    }
    RevisionView revision = view(fetched);
    if (gitDown == null) {
      Instant fetchedAt = clock.instant();
      update(current -> SourceViews.fetched(current, revision, fetchedAt));
    }
    SyncResult result;
    try {
      result = synchronizer.sync(new Snapshot(fetched.sha(), tree, paths, ids));
    } catch (WriteFence.LeadershipLost e) {
      // Deposed mid-sync: nothing more is written here, not even the status; the next leader syncs again.
      LOG.info("source {}: sync of {} abandoned: {}", name, shortSha(fetched.sha()), e.getMessage());
      metrics.syncAbandoned(name);
      return;
    } catch (RuntimeException e) {
      // The API server unreachable or a bug: keep the last state, report, retry at the next tick.
      LOG.warn("source {}: sync of {} failed: {}", name, shortSha(fetched.sha()), e.toString());
      Instant at = clock.instant();
      update(current -> SourceViews.stale(current, "sync failed: " + e.getMessage(), at));
      return;
    }
    metrics.synced(result, result.changes().changes().size(), gitDown != null);
    if (result.outcome() != SyncResult.Outcome.APPLIED || result.pruneRefusal().isPresent()
        || result.changes().writes() > 0 || result.outcome() != lastOutcome) {
      events.synced(result);
    }
    lastOutcome = result.outcome();
    if (result.outcome() == SyncResult.Outcome.APPLIED) {
      releases.observed(name, result.releases(), fetched.sha());
    }
    String stale = gitDown;
    update(current -> {
      SourceView synced = SourceViews.synced(current, result, revision);
      return stale == null ? synced : SourceViews.stale(synced, stale, current.lastFetchAt());
    });
  }

  /** The drift watcher put a changed managed object back (or tried): any thread, at any time. */
  public void driftCorrected(DriftCorrection correction) {
    metrics.driftCorrected(name);
    events.driftCorrected(name, correction);
    update(current -> SourceViews.drifted(current, correction));
  }

  /** Leadership lost: stop correcting drift until this replica leads again. */
  public void pause() {
    synchronizer.stopWatching();
  }

  private String appliedSha() {
    return view.applied() == null ? null : view.applied().sha();
  }

  /** The one way the view changes: {@code change} applied to the view as it is now, under the view's lock. */
  private void update(UnaryOperator<SourceView> change) {
    SourceView next;
    synchronized (viewLock) {
      next = change.apply(view);
      view = next;
      metrics.stale(name, next.stale());
    }
    changed.accept(next);
  }

  private static RevisionView view(Revision revision) {
    return new RevisionView(revision.sha(), revision.author(), revision.message(), revision.time());
  }

  private static String shortSha(String sha) {
    return sha.length() > 12 ? sha.substring(0, 12) : sha;
  }

  @Override
  public void close() {
    synchronizer.close();
    git.close();
  }
}
