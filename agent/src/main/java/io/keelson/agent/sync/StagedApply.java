package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.keelson.agent.health.Health;
import io.keelson.agent.health.HealthAssessor;
import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.model.Ownership;
import io.keelson.agent.plan.Action;
import io.keelson.agent.plan.Change;
import io.keelson.agent.plan.ChangeSet;
import io.keelson.agent.plan.DesiredHash;
import io.keelson.agent.plan.KindOrder;
import io.keelson.agent.plan.ObjectComparison;
import io.keelson.agent.plan.UnchangedObjects;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Applies a rendered revision in two stages: CRDs, Namespaces and cluster-scoped RBAC first (then waits
 * for the CRDs and refreshes discovery), everything else after, each stage in {@link KindOrder}.
 *
 * <p>A server-side dry run of every object gates each stage: if any object fails it, nothing in that stage
 * is written. Everything that can be dry-run before the first write is — objects whose kind or namespace
 * this very revision creates can only be checked after the first stage. Only objects whose dry-run
 * result differs from the live object are applied, so an unchanged revision writes nothing.
 *
 * <p>An object exactly as this agent last left it ({@link AppliedState}: the same desired content, and the
 * same resourceVersion in the drift watcher's cache) is neither read nor dry-run: it has nothing to write.
 */
final class StagedApply {

  private static final Duration CRD_ESTABLISHED_TIMEOUT = Duration.ofSeconds(60);

  private final ResourceManager manager;
  private final ExecutorService pool;
  private final AppliedState state;

  StagedApply(ResourceManager manager, ExecutorService pool, AppliedState state) {
    this.manager = manager;
    this.pool = pool;
    this.state = state;
  }

  /**
   * Where a sync may look at live objects without a request (their resourceVersion and what health reads, not
   * their whole content); empty where it cannot vouch for one.
   */
  @FunctionalInterface
  interface LiveCache {
    Optional<GenericKubernetesResource> cached(ObjectRef ref);
  }

  /**
   * The outcome: what was done, and every object the API server refused at the dry run (then the stage wrote
   * nothing). A write refused after its dry run passed is a FAILED change instead; then no later stage ran.
   * {@code applied} is the health of each object written or found in place, assessed from the server's answer
   * at once, so a sync does not hold thousands of answers until it ends.
   */
  record Outcome(ChangeSet changes, List<ObjectError> errors, Map<ObjectRef, Health> applied) {
    boolean ok() {
      return errors.isEmpty() && !writeFailed();
    }

    boolean writeFailed() {
      return !changes.with(Action.FAILED).isEmpty();
    }
  }

  /** A desired object with the fingerprint of its content. */
  private record Candidate(DesiredObject desired, String hash) {}

  /** A verdict for one object before anything is written: from the dry run, or known unchanged. */
  private record Prepared(Candidate candidate, Change change, GenericKubernetesResource live, ObjectError error) {
    DesiredObject desired() {
      return candidate.desired();
    }
  }

  /**
   * @param cache live objects as the drift watcher sees them: an object that is exactly as this agent last
   *     left it (see {@link AppliedState}) is reported unchanged without a read or a dry run
   */
  Outcome run(List<DesiredObject> objects, LiveCache cache, Runnable beforeFirstWrite) {
    List<Candidate> candidates = inParallel(objects, o -> new Candidate(o, DesiredHash.of(o.object())));
    List<Prepared> known = new ArrayList<>();
    List<Candidate> foundation = new ArrayList<>();
    List<Candidate> rest = new ArrayList<>();
    for (Candidate candidate : candidates) {
      ObjectRef ref = candidate.desired().ref();
      Optional<GenericKubernetesResource> cached = cache.cached(ref);
      if (state.judge(ref, candidate.hash(), cached) == UnchangedObjects.Verdict.UNCHANGED) {
        known.add(new Prepared(candidate, Change.of(ref, Action.UNCHANGED), cached.get(), null));
      } else {
        (KindOrder.isFoundation(ref) ? foundation : rest).add(candidate);
      }
    }
    NamespaceCheck namespaces = new NamespaceCheck(manager);
    List<Candidate> checkableNow = rest.stream().filter(c -> checkable(c.desired(), namespaces)).toList();
    List<Candidate> checkableLater = rest.stream().filter(c -> !checkable(c.desired(), namespaces)).toList();

    List<Candidate> gate = new ArrayList<>(foundation);
    gate.addAll(checkableNow);
    List<Prepared> gated = new ArrayList<>(prepareAll(gate));
    gated.addAll(known);
    List<ObjectError> refused = errors(gated);
    if (!refused.isEmpty()) {
      return new Outcome(ChangeSet.empty(), refused, Map.of());
    }

    beforeFirstWrite.run();
    Map<ObjectRef, Health> applied = new ConcurrentHashMap<>();
    List<Prepared> firstStage = gated.stream().filter(p -> KindOrder.isFoundation(p.desired().ref())).toList();
    ChangeSet changes = writeAll(firstStage, applied);
    if (!changes.with(Action.FAILED).isEmpty()) {
      return new Outcome(changes, List.of(), applied); // the rest may depend on what failed
    }
    // Only CRDs this sync wrote are awaited: one whose write failed would never become Established.
    Set<ObjectRef> wrote = new HashSet<>(changes.refs(Action.CREATED));
    wrote.addAll(changes.refs(Action.CONFIGURED));
    List<Prepared> crds = firstStage.stream()
        .filter(p -> KindOrder.isCrd(p.desired().ref()) && wrote.contains(p.desired().ref())).toList();
    if (!crds.isEmpty()) {
      awaitEstablished(crds);
      awaitServed(crds);
    }

    List<Prepared> later = prepareAll(checkableLater);
    refused = errors(later);
    if (!refused.isEmpty()) {
      return new Outcome(changes, refused, applied);
    }
    List<Prepared> secondStage = new ArrayList<>(gated.stream()
        .filter(p -> !KindOrder.isFoundation(p.desired().ref())).toList());
    secondStage.addAll(later);
    changes = changes.plus(writeAll(secondStage, applied));
    return new Outcome(changes, List.of(), applied);
  }

  /** The same gate-then-write pipeline for a single object (drift correction). */
  Outcome runOne(DesiredObject object) {
    Prepared prepared = prepare(new Candidate(object, DesiredHash.of(object.object())));
    if (prepared.error() != null) {
      return new Outcome(ChangeSet.empty(), List.of(prepared.error()), Map.of());
    }
    Map<ObjectRef, Health> applied = new ConcurrentHashMap<>();
    return new Outcome(writeAll(List.of(prepared), applied), List.of(), applied);
  }

  private boolean checkable(DesiredObject object, NamespaceCheck namespaces) {
    ObjectRef ref = object.ref();
    return manager.discovery().find(ref.apiVersion(), ref.kind()).isPresent()
        && (!ref.namespaced() || namespaces.exists(ref.namespace()));
  }

  private List<Prepared> prepareAll(List<Candidate> candidates) {
    return inParallel(candidates, this::prepare);
  }

  /** Reads and dry-runs the object; remembers it when nothing needs writing, forgets it otherwise. */
  private Prepared prepare(Candidate candidate) {
    Prepared prepared = check(candidate);
    if (prepared.change().action() == Action.UNCHANGED) {
      state.established(prepared.desired().ref(), candidate.hash(), prepared.live());
    } else {
      state.forget(prepared.desired().ref());
    }
    return prepared;
  }

  private Prepared check(Candidate candidate) {
    DesiredObject desired = candidate.desired();
    ObjectRef ref = desired.ref();
    GenericKubernetesResource object = desired.object();
    try {
      if (Ownership.disabled(object.getMetadata().getAnnotations(), Ownership.RECONCILE_ANNOTATION)) {
        return new Prepared(candidate, new Change(ref, Action.SKIPPED, Ownership.RECONCILE_ANNOTATION + ": disabled in Git"),
            null, null);
      }
      // The dry run first: when it would create the object there is nothing live to read, so a cold sync
      // costs two requests per object (dry run, apply), not three.
      GenericKubernetesResource dryRun;
      try {
        dryRun = manager.dryRunApply(object);
      } catch (KubernetesClientException refused) {
        // A live object Keelson must leave alone is skipped even when Git's version would be refused.
        Optional<GenericKubernetesResource> live = manager.get(ref).filter(StagedApply::reconcileDisabled);
        if (live.isPresent()) {
          return skippedLive(candidate, live.get());
        }
        throw refused;
      }
      GenericKubernetesResource live = ResourceManager.wouldCreate(dryRun) ? null : manager.get(ref).orElse(null);
      if (live != null && reconcileDisabled(live)) {
        return skippedLive(candidate, live);
      }
      if (live != null && !ObjectComparison.differs(manager.asMap(dryRun), manager.asMap(live))) {
        return new Prepared(candidate, Change.of(ref, Action.UNCHANGED), live, null);
      }
      return new Prepared(candidate, Change.of(ref, live == null ? Action.CREATED : Action.CONFIGURED), live, null);
    } catch (KubernetesClientException e) {
      return new Prepared(candidate, Change.of(ref, Action.FAILED), null,
          new ObjectError(ref, desired.origin(), SecretRedaction.redact(e, manager.asMap(object))));
    }
  }

  private static boolean reconcileDisabled(GenericKubernetesResource live) {
    return Ownership.disabled(live.getMetadata().getAnnotations(), Ownership.RECONCILE_ANNOTATION);
  }

  private static Prepared skippedLive(Candidate candidate, GenericKubernetesResource live) {
    return new Prepared(candidate, new Change(candidate.desired().ref(), Action.SKIPPED,
        Ownership.RECONCILE_ANNOTATION + ": disabled on the live object"), live, null);
  }

  /** Writes what the dry run said would change, rank by rank in kind order; parallel within a rank. */
  private ChangeSet writeAll(List<Prepared> prepared, Map<ObjectRef, Health> applied) {
    Map<Integer, List<Prepared>> byRank = new TreeMap<>();
    for (Prepared p : prepared) {
      byRank.computeIfAbsent(KindOrder.rank(p.desired().ref()), r -> new ArrayList<>()).add(p);
    }
    List<Change> changes = new ArrayList<>();
    for (List<Prepared> rank : byRank.values()) {
      changes.addAll(inParallel(rank, p -> write(p, applied)));
    }
    changes.sort((a, b) -> KindOrder.APPLY.compare(a.ref(), b.ref()));
    return new ChangeSet(changes);
  }

  private Change write(Prepared prepared, Map<ObjectRef, Health> applied) {
    Action action = prepared.change().action();
    ObjectRef ref = prepared.desired().ref();
    if (action == Action.CREATED || action == Action.CONFIGURED) {
      try {
        GenericKubernetesResource result = manager.apply(prepared.desired().object());
        applied.put(ref, HealthAssessor.assess(ref, manager.asMap(result)));
        state.established(ref, prepared.candidate().hash(), result);
      } catch (KubernetesClientException e) {
        return new Change(ref, Action.FAILED, SecretRedaction.redact(e,
            manager.asMap(prepared.desired().object())));
      }
    } else if (prepared.live() != null) {
      applied.put(ref, HealthAssessor.assess(ref, manager.asMap(prepared.live())));
    }
    return prepared.change();
  }

  private void awaitEstablished(List<Prepared> firstStage) {
    for (Prepared p : firstStage) {
      if (KindOrder.isCrd(p.desired().ref())) {
        manager.awaitEstablished(p.desired().ref().name(), CRD_ESTABLISHED_TIMEOUT);
      }
    }
  }

  /**
   * Discovery lags a moment behind Established: refreshes it until every served version of the stage's
   * CRDs is listed, so the second stage can address their kinds.
   */
  private void awaitServed(List<Prepared> firstStage) {
    List<String[]> kinds = new ArrayList<>();
    for (Prepared p : firstStage) {
      if (KindOrder.isCrd(p.desired().ref())) {
        Map<String, Object> spec = map(p.desired().object().getAdditionalProperties().get("spec"));
        String group = String.valueOf(spec.get("group"));
        String kind = String.valueOf(map(spec.get("names")).get("kind"));
        if (spec.get("versions") instanceof List<?> versions) {
          for (Object version : versions) {
            Map<String, Object> v = map(version);
            if (!Boolean.FALSE.equals(v.get("served"))) {
              kinds.add(new String[] {group + "/" + v.get("name"), kind});
            }
          }
        }
      }
    }
    long deadline = System.nanoTime() + CRD_ESTABLISHED_TIMEOUT.toNanos();
    while (true) {
      manager.discovery().refresh();
      boolean served = kinds.stream().allMatch(k -> manager.discovery().find(k[0], k[1]).isPresent());
      if (served || System.nanoTime() > deadline) {
        return; // a kind still missing is reported by its objects' dry run
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for discovery", e);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static List<ObjectError> errors(List<Prepared> prepared) {
    return prepared.stream().map(Prepared::error).filter(e -> e != null).toList();
  }

  static String reason(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage();
    }
    return e.getMessage();
  }

  private <T, R> List<R> inParallel(List<T> items, Function<T, R> work) {
    List<Future<R>> futures = items.stream().map(item -> pool.submit(() -> work.apply(item))).toList();
    List<R> results = new ArrayList<>(futures.size());
    for (Future<R> future : futures) {
      try {
        results.add(future.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while applying", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      }
    }
    return results;
  }
}
