package io.keelson.agent.sync;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.plan.Action;
import io.keelson.agent.plan.Change;
import io.keelson.agent.plan.ChangeSet;
import io.keelson.agent.plan.PruneOptions;
import io.keelson.agent.plan.PrunePlanner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Carries out {@link PrunePlanner}'s decision: looks the stale objects up, deletes, reports. */
final class Pruner {

  private final ResourceManager manager;

  Pruner(ResourceManager manager) {
    this.manager = manager;
  }

  /**
   * @param changes a DELETED entry per deletion, SKIPPED per kept object, FAILED per failed delete
   * @param retained stale objects that stay in the inventory: failed or unsure deletes and objects of kinds
   *     not served now, or all of them when refused
   */
  record Result(ChangeSet changes, Set<ObjectRef> retained, Optional<String> refusal) {}

  Result prune(String source, Set<ObjectRef> stale, int inventorySize, PruneOptions options) {
    Map<ObjectRef, PrunePlanner.Live> live = lookUp(stale);
    PrunePlanner.Plan plan = PrunePlanner.plan(source, stale, inventorySize, live, options);
    if (plan.refusal().isPresent()) {
      return new Result(ChangeSet.empty(), stale, plan.refusal());
    }
    List<Change> changes = new ArrayList<>(plan.kept());
    changes.addAll(plan.unknown());
    Set<ObjectRef> retained = new TreeSet<>(plan.unknown().stream().map(Change::ref).toList());
    for (ObjectRef ref : plan.deletions()) {
      try {
        switch (manager.delete(ref, live.get(ref).uid())) {
          case DELETED -> changes.add(new Change(ref, Action.DELETED, "removed from Git"));
          case ABSENT -> { } // deleted by someone else meanwhile

          case REPLACED -> {
            retained.add(ref);
            changes.add(new Change(ref, Action.SKIPPED,
                "replaced by a new object since it was checked: not deleted, checked again next sync"));
          }
        }
      } catch (KubernetesClientException e) {
        retained.add(ref);
        changes.add(new Change(ref, Action.FAILED, "delete failed, retried next sync: " + StagedApply.reason(e)));
      }
    }
    return new Result(new ChangeSet(changes), retained, Optional.empty());
  }

  /** What {@link #prune} would decide now; deletes nothing (a preview of a sync). */
  PrunePlanner.Plan plan(String source, Set<ObjectRef> stale, int inventorySize, PruneOptions options) {
    return PrunePlanner.plan(source, stale, inventorySize, lookUp(stale), options);
  }

  private Map<ObjectRef, PrunePlanner.Live> lookUp(Set<ObjectRef> stale) {
    Map<ObjectRef, PrunePlanner.Live> live = new HashMap<>();
    for (ObjectRef ref : stale) {
      live.put(ref, lookUp(ref));
    }
    return live;
  }

  private PrunePlanner.Live lookUp(ObjectRef ref) {
    if (manager.discovery().find(ref.apiVersion(), ref.kind()).isEmpty()) {
      return PrunePlanner.Live.kindNotServed();
    }
    return manager.get(ref).map(o -> PrunePlanner.Live.present(o.getMetadata().getUid(), o.getMetadata().getLabels(),
        o.getMetadata().getAnnotations())).orElse(PrunePlanner.Live.absent());
  }
}
