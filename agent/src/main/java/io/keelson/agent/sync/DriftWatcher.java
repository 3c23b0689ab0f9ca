package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.keelson.agent.leader.WriteFence;
import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.model.Ownership;
import io.keelson.agent.plan.Action;
import io.keelson.agent.plan.Change;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees changes and deletions of managed objects by anyone else and puts Git's state back within seconds.
 * One informer per managed kind, filtered by the source label so it caches only Keelson's objects. An
 * event only counts when something other than status and server bookkeeping changed; the correction
 * itself is the ordinary dry-run-then-apply of the object, so fields Git does not declare (replicas
 * under an HPA) stay with whoever owns them.
 */
final class DriftWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DriftWatcher.class);
  private static final FieldOwners.Owner DELETED = new FieldOwners.Owner("unknown (deleted)", List.of());

  private final ResourceManager manager;
  private final StagedApply applier;
  private final String source;
  private final Set<String> namespaces;
  private final Clock clock;
  private final Object syncLock;
  private final Consumer<DriftCorrection> listener;
  private final ExecutorService corrections = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "keelson-drift");
    thread.setDaemon(true);
    return thread;
  });
  private static final String ANY_NAMESPACE = "";
  // By Scope.key(). Concurrent: sync threads read the caches.
  private final Map<String, SharedIndexInformer<GenericKubernetesResource>> informers = new ConcurrentHashMap<>();
  private final Set<ObjectRef> queued = ConcurrentHashMap.newKeySet();
  private volatile Map<ObjectRef, DesiredObject> desired = Map.of();

  /**
   * With {@code namespaces} (the allowed namespaces) set, namespaced kinds are watched per namespace, so the
   * agent needs list and watch only there (a namespaced installation has Roles, no ClusterRole); empty
   * watches every namespace.
   */
  DriftWatcher(ResourceManager manager, StagedApply applier, String source,
      Set<String> namespaces, Clock clock, Object syncLock, Consumer<DriftCorrection> listener) {
    this.manager = manager;
    this.applier = applier;
    this.source = source;
    this.namespaces = Set.copyOf(namespaces);
    this.clock = clock;
    this.syncLock = syncLock;
    this.listener = listener;
  }

  /** Watches exactly the kinds of the last applied revision (in the allowed namespaces, when set). */
  synchronized void watch(Map<ObjectRef, DesiredObject> objects) {
    // Under this lock, so a sync that lost the lease cannot restart what stopWatching just stopped.
    manager.checkWrite();
    desired = Map.copyOf(objects);
    Map<String, Scope> scopes = new HashMap<>();
    for (ObjectRef ref : objects.keySet()) {
      manager.discovery().find(ref.apiVersion(), ref.kind()).ifPresent(kind -> {
        for (String namespace : watchedNamespaces(kind)) {
          Scope scope = new Scope(kind, namespace);
          scopes.put(scope.key(), scope);
        }
      });
    }
    informers.keySet().removeIf(key -> {
      boolean gone = !scopes.containsKey(key);
      if (gone) {
        informers.get(key).close();
      }
      return gone;
    });
    scopes.forEach((key, scope) -> informers.computeIfAbsent(key, k -> inform(scope)));
  }

  /** {@link #ANY_NAMESPACE} for cluster-scoped kinds and when every namespace is allowed. */
  private Set<String> watchedNamespaces(ResourceDefinitionContext kind) {
    return perNamespace(kind) ? namespaces : Set.of(ANY_NAMESPACE);
  }

  /**
   * Adds objects a failed sync wrote to what is watched, keeping the rest as the last applied revision has
   * it: what was written is Git's now, what was not still serves from before.
   */
  synchronized void include(Map<ObjectRef, DesiredObject> written) {
    if (written.isEmpty()) {
      return;
    }
    Map<ObjectRef, DesiredObject> merged = new HashMap<>(desired);
    merged.putAll(written);
    watch(merged);
  }

  /** The informer scope that sees an object of {@code kind} in {@code namespace}. */
  private String watchedAs(ResourceDefinitionContext kind, String namespace) {
    return perNamespace(kind) ? namespace : ANY_NAMESPACE;
  }

  private boolean perNamespace(ResourceDefinitionContext kind) {
    return kind.isNamespaceScoped() && !namespaces.isEmpty();
  }

  /** One informer's reach: a kind, in one namespace or in all. */
  private record Scope(ResourceDefinitionContext kind, String namespace) {
    // By the kind's name, not its context: discovery makes new contexts on every refresh, and they have no
    // value equality.
    String key() {
      return kind.getGroup() + "/" + kind.getVersion() + "/" + kind.getPlural() + "@" + namespace;
    }
  }

  /**
   * What this watcher's cache holds of the object (its resourceVersion and what health reads: see
   * {@link LeanStore}), without asking the API server; empty when the cache cannot
   * vouch for it: its kind is not watched, the informer has not synced or is not watching right now (events
   * may be missing), or the object is not there.
   */
  Optional<GenericKubernetesResource> cached(ObjectRef ref) {
    Optional<ResourceDefinitionContext> kind = manager.discovery().find(ref.apiVersion(), ref.kind());
    SharedIndexInformer<GenericKubernetesResource> informer =
        kind.map(k -> informers.get(new Scope(k, watchedAs(k, ref.namespace())).key())).orElse(null);
    if (informer == null || !informer.hasSynced() || !informer.isWatching()) {
      return Optional.empty();
    }
    return Optional.ofNullable(informer.getStore().getByKey(Cache.namespaceKeyFunc(ref.namespace(), ref.name())));
  }

  private SharedIndexInformer<GenericKubernetesResource> inform(Scope scope) {
    return manager.inform(scope.kind(), scope.namespace(), Ownership.SOURCE_LABEL, source,
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource object) {
            // the initial list and our own creations; nothing drifted
          }

          @Override
          public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
            // The cache's old object is a projection, the new one as the watch delivered it: their fingerprints
            // say whether anything drift compares changed.
            if (!LeanStore.fingerprint(before, manager).equals(LeanStore.fingerprint(after, manager))) {
              enqueue(after, FieldOwners.lastOtherWriter(after).orElse(new FieldOwners.Owner("unknown", List.of())));
            }
          }

          @Override
          public void onDelete(GenericKubernetesResource object, boolean finalStateUnknown) {
            // Leaving the label selection looks like a deletion; only a real one is put back.
            enqueue(object, DELETED);
          }
        });
  }

  private void enqueue(GenericKubernetesResource object, FieldOwners.Owner owner) {
    ObjectRef ref = ObjectRef.of(object);
    if (!desired.containsKey(ref) || !queued.add(ref)) {
      return; // not (or no longer) Git's, or a correction is already queued
    }
    corrections.submit(() -> correct(ref, owner));
  }

  private void correct(ObjectRef ref, FieldOwners.Owner owner) {
    queued.remove(ref);
    StagedApply.Outcome outcome;
    // Under the sync lock, and reading what is desired only then: an event caused by a sync in progress must
    // be judged against that sync's revision, never put the previous revision back.
    synchronized (syncLock) {
      DesiredObject object = desired.get(ref);
      if (object == null) {
        return;
      }
      try {
        if (owner == DELETED && manager.get(ref).isPresent()) {
          // Still there without the source label: someone took it over, so it is no longer Keelson's to restore.
          LOG.info("{} lost its {} label; left alone", ref, Ownership.SOURCE_LABEL);
          return;
        }
        outcome = applier.runOne(object);
      } catch (WriteFence.LeadershipLost e) {
        LOG.info("drift correction of {} dropped: {}", ref, e.getMessage());
        return;
      } catch (RuntimeException e) {
        failed(ref, owner, SecretRedaction.redact(e, manager.asMap(object.object())));
        return;
      }
    }
    if (!outcome.ok()) {
      // Refused at the dry run, or at the write after the dry run passed (the applier redacts its messages).
      failed(ref, owner, outcome.errors().isEmpty() ? outcome.changes().with(Action.FAILED).get(0).reason()
          : outcome.errors().get(0).message());
      return;
    }
    Change change = outcome.changes().changes().get(0);
    if (change.action() == Action.CREATED || change.action() == Action.CONFIGURED) {
      DriftCorrection correction = new DriftCorrection(ref, owner.manager(), owner.fields(), change.action(),
          clock.instant(), "");
      LOG.info("drift corrected: {}", correction);
      listener.accept(correction);
    }
  }

  /** A correction that did not happen, with a message already cut of the object's secrets. */
  private void failed(ObjectRef ref, FieldOwners.Owner owner, String redacted) {
    LOG.warn("drift correction of {} failed: {}", ref, redacted);
    listener.accept(new DriftCorrection(ref, owner.manager(), owner.fields(), Action.FAILED, clock.instant(),
        redacted));
  }

  /** Stops watching (leadership lost); the next {@link #watch} starts again. */
  synchronized void stopWatching() {
    informers.values().forEach(SharedIndexInformer::close);
    informers.clear();
  }

  @Override
  public synchronized void close() {
    stopWatching();
    corrections.shutdownNow();
  }
}
