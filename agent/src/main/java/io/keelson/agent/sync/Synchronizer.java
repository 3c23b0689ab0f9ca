package io.keelson.agent.sync;

import io.keelson.agent.health.Health;
import io.keelson.agent.inventory.Inventory;
import io.keelson.agent.leader.WriteFence;
import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.model.Rendered;
import io.keelson.agent.plan.ChangeSet;
import io.keelson.agent.plan.DesiredHash;
import io.keelson.agent.render.ManifestRenderer;
import io.keelson.agent.render.ReleaseAwareRenderStage;
import io.keelson.agent.render.RenderOptions;
import io.keelson.agent.render.SopsStage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the cluster match one source's revision: render (release-aware), staged server-side
 * apply behind a dry-run gate, inventory, guarded prune, health; then keeps it matching by correcting
 * drift. {@link #sync} returns the whole story as a {@link SyncResult}.
 */
public final class Synchronizer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Synchronizer.class);

  private final SyncOptions options;
  private final Clock clock;
  private final ResourceManager manager;
  private final ManifestRenderer renderer;
  private final DiscoveryCapabilities capabilities;
  private final RenderCache renders = new RenderCache();
  private final RefusedRevisions refusals;
  private final ReleaseAwareRenderStage releaseAwareRender;
  private final AppliedState state;
  private final StagedApply applier;
  private final InventoryStore inventories;
  private final Pruner pruner;
  private final HealthWaiter health;
  private final DriftWatcher drift;
  private final ExecutorService pool;
  private final Object syncLock = new Object();
  private final Object syncRun = new Object();
  // The leadership the sync in hand (and drift corrections after it) writes under.
  private volatile WriteFence.Term term = new WriteFence.Term(-1);

  /**
   * @param resources the agent's one ResourceManager; this source's writes go through it under the leadership
   *     term of the sync in hand
   * @param driftListener told of each drift correction made between syncs
   */
  public Synchronizer(ResourceManager resources, SyncOptions options, Clock clock,
      Consumer<DriftCorrection> driftListener) {
    this.options = options;
    this.clock = clock;
    this.manager = resources.fenced(() -> options.fence().check(term));
    this.releaseAwareRender = new ReleaseAwareRenderStage(options.defaultRouter());
    this.renderer = new ManifestRenderer(RenderOptions.defaults(options.defaultNamespace())
        .withAllowedNamespaces(options.allowedNamespaces())
        .withDeniedKinds(options.deniedKinds())
        .withTools(options.tools()), List.of(new SopsStage(options.sops())));
    this.capabilities = new DiscoveryCapabilities(manager);
    this.pool = Executors.newFixedThreadPool(options.parallelism(), runnable -> {
      Thread thread = new Thread(runnable, "keelson-apply-" + options.source());
      thread.setDaemon(true);
      return thread;
    });
    this.state = new AppliedState(clock, options.fullCheckInterval());
    this.refusals = new RefusedRevisions(clock, options.fullCheckInterval());
    this.applier = new StagedApply(manager, pool, state);
    this.inventories = new InventoryStore(manager, options.agentNamespace());
    this.pruner = new Pruner(manager);
    this.health = new HealthWaiter(manager, clock);
    this.drift = new DriftWatcher(manager, applier, options.source(), options.allowedNamespaces(), clock,
        syncLock, driftListener);
  }

  /**
   * @throws WriteFence.LeadershipLost when this replica does not lead, or stops leading before the sync's
   *     next write: the sync is abandoned where it stood (the next leader syncs again)
   */
  public SyncResult sync(Snapshot snapshot) {
    // One sync at a time per source; no other source's sync (or Synchronizer) is involved.
    synchronized (syncRun) {
      term = options.fence().begin();
      Instant start = clock.instant();
      Applied applied;
      // Drift corrections wait while the cluster is being changed, but not while health is awaited.
      synchronized (syncLock) {
        applied = apply(snapshot, start);
      }
      if (applied.result() != null) {
        return applied.result();
      }
      List<Health> readiness = health.await(applied.outcome().applied(), options.healthTimeout());
      return finish(snapshot, start, SyncResult.Outcome.APPLIED,
          applied.outcome().changes().plus(applied.pruned().changes()), applied.staged(), List.of(),
          applied.pruned().refusal(), readiness, "");
    }
  }

  /** What the locked part of a sync did; {@code result} is set when the sync ended there (rejected or failed). */
  private record Applied(SyncResult result, ReleaseAwareRenderStage.Result staged, StagedApply.Outcome outcome,
      Pruner.Result pruned) {}

  private Applied apply(Snapshot snapshot, Instant start) {
    manager.discovery().refresh();
    long generation = manager.discovery().generation();
    Rendered plain = renders.render(snapshot, generation, () -> renderer.render(snapshot.root(), snapshot.paths(),
        manager.discovery()::namespaced, capabilities, snapshot.ids()));
    ReleaseAwareRenderStage.Result staged = releaseAwareRender.apply(plain, manager.releaseStatuses(plain));
    Rendered rendered = staged.rendered();
    if (!rendered.ok()) {
      refusals.clear();
      return new Applied(finish(snapshot, start, SyncResult.Outcome.REJECTED, ChangeSet.empty(), staged,
          List.of(), Optional.empty(), List.of(), ""), staged, null, null);
    }
    List<DesiredObject> desired = rendered.objects().stream()
        .map(o -> SourceLabel.labelled(options.source(), o)).toList();
    Optional<RefusedRevisions.Refusal> standing = refusals.standing(snapshot.revision(), () -> fingerprint(desired),
        generation);
    if (standing.isPresent()) {
      RefusedRevisions.Refusal refusal = standing.get();
      return new Applied(finish(snapshot, start, SyncResult.Outcome.REJECTED, ChangeSet.empty(), staged,
          refusal.errors(), Optional.empty(), List.of(), " (the API server refused this render at " + refusal.at()
              + "; asked again on a new commit, a changed render or API, or after " + refusal.recheckAt() + ")"),
          staged, null, null);
    }
    Optional<Inventory> stored = inventories.read(options.source());
    Inventory previous = stored.orElse(Inventory.empty());
    Inventory current = Inventory.of(desired.stream().map(DesiredObject::ref).toList());
    AtomicReference<Optional<Inventory>> written = new AtomicReference<>(stored);

    StagedApply.Outcome applied = applier.run(desired, drift::cached, () -> {
      // Recorded before the first write, so a crash mid-apply cannot orphan what it created.
      manager.checkWrite();
      written.set(inventories.write(options.source(), previous.with(current.objects()), stored));
    });
    if (!applied.ok()) {
      // Nothing is pruned and the inventory keeps what it held plus this revision's objects; drift is
      // judged against what was written, so the part of the revision that applied is not put back.
      SyncResult.Outcome outcome = applied.writeFailed() || applied.changes().writes() > 0
          ? SyncResult.Outcome.FAILED : SyncResult.Outcome.REJECTED;
      if (outcome == SyncResult.Outcome.REJECTED) {
        refusals.refused(snapshot.revision(), fingerprint(desired), generation, applied.errors());
      } else {
        refusals.clear();
      }
      drift.include(desired.stream().filter(o -> applied.applied().containsKey(o.ref()))
          .collect(Collectors.toMap(DesiredObject::ref, o -> o, (a, b) -> a, LinkedHashMap::new)));
      return new Applied(finish(snapshot, start, outcome, applied.changes(), staged, applied.errors(),
          Optional.empty(), List.of(), ""), staged, applied, null);
    }
    refusals.clear();

    Pruner.Result pruned = pruner.prune(options.source(), previous.staleComparedTo(current), previous.size(),
        options.prune());
    manager.checkWrite();
    inventories.write(options.source(), current.with(pruned.retained()), written.get());
    state.retainOnly(current.objects());
    drift.watch(desired.stream().collect(Collectors.toMap(DesiredObject::ref, o -> o, (a, b) -> a,
        LinkedHashMap::new)));
    return new Applied(null, staged, applied, pruned);
  }

  /** Stops correcting drift until the next sync (this replica is no longer the leader). */
  public void stopWatching() {
    drift.stopWatching();
    state.clear();
  }

  private SyncResult finish(Snapshot snapshot, Instant start, SyncResult.Outcome outcome, ChangeSet changes,
      ReleaseAwareRenderStage.Result staged, List<ObjectError> objectErrors, Optional<String> pruneRefusal,
      List<Health> readiness, String remark) {
    List<RenderError> renderErrors = staged.rendered().errors();
    String notConverged = Convergence.explain(renderErrors, objectErrors, changes, pruneRefusal, readiness) + remark;
    Instant end = clock.instant();
    SyncResult result = new SyncResult(options.source(), snapshot.revision(), outcome, changes, renderErrors,
        objectErrors, pruneRefusal, readiness, notConverged, end, Duration.between(start, end), staged.releases());
    String line = result.summary();
    LOG.info("sync {}@{}: {} — {}", options.source(), snapshot.revision(), outcome,
        notConverged.isEmpty() || line.contains(notConverged) ? line : line + "; not converged: " + notConverged);
    return result;
  }

  /** A fingerprint of everything a revision renders to. */
  private String fingerprint(List<DesiredObject> desired) {
    Map<String, Object> all = new LinkedHashMap<>();
    for (DesiredObject object : desired) {
      all.put(object.ref().toString(), manager.asMap(object.object()));
    }
    return DesiredHash.of(all);
  }

  @Override
  public void close() {
    drift.close();
    pool.shutdownNow();
  }
}
