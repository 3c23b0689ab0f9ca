package io.keelson.agent.plan;

import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.model.Ownership;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Decides which stale objects prune deletes, which it keeps and why, and when it refuses outright. */
public final class PrunePlanner {

  private PrunePlanner() {}

  /** What the cluster says about a stale object: absent, or its labels and annotations. */
  public record Live(boolean exists, Map<String, String> labels, Map<String, String> annotations) {
    public static Live absent() {
      return new Live(false, Map.of(), Map.of());
    }
  }

  /**
   * @param deletions in deletion order
   * @param kept stale objects left in place, with the reason (they leave the inventory: no longer ours)
   * @param gone stale objects already absent
   * @param refusal why nothing is deleted at all, if so (then every stale object stays in the inventory)
   */
  public record Plan(List<ObjectRef> deletions, List<Change> kept, List<ObjectRef> gone, Optional<String> refusal) {}

  public static Plan plan(String source, Set<ObjectRef> stale, int inventorySize, Map<ObjectRef, Live> live,
      PruneOptions options) {
    if (stale.isEmpty()) {
      return new Plan(List.of(), List.of(), List.of(), Optional.empty());
    }
    if (!options.enabled()) {
      return new Plan(List.of(), skipAll(stale, "prune is disabled for this source"), List.of(), Optional.empty());
    }
    if (!options.allowMassPrune() && inventorySize >= options.minInventoryForFractionGuard()
        && stale.size() > options.maxFraction() * inventorySize) {
      return new Plan(List.of(), List.of(), List.of(), Optional.of(String.format(
          "prune refused: it would delete %d of %d objects (%.0f%%), more than the allowed %.0f%%;"
              + " set prune.allowMassPrune to let it proceed",
          stale.size(), inventorySize, 100.0 * stale.size() / inventorySize, 100 * options.maxFraction())));
    }
    List<ObjectRef> deletions = new ArrayList<>();
    List<Change> kept = new ArrayList<>();
    List<ObjectRef> gone = new ArrayList<>();
    for (ObjectRef ref : stale) {
      Live state = live.getOrDefault(ref, Live.absent());
      if (!state.exists()) {
        gone.add(ref);
      } else if (!Ownership.ownedBy(state.labels(), source)) {
        kept.add(new Change(ref, Action.SKIPPED, "not labelled " + Ownership.SOURCE_LABEL + "=" + source));
      } else if (Ownership.disabled(state.annotations(), Ownership.PRUNE_ANNOTATION)) {
        kept.add(new Change(ref, Action.SKIPPED, Ownership.PRUNE_ANNOTATION + ": disabled"));
      } else if (KindOrder.isNamespace(ref) && !options.allowNamespaceDeletion()) {
        kept.add(new Change(ref, Action.SKIPPED, "Namespaces are not pruned unless prune.allowNamespaceDeletion"));
      } else if (KindOrder.isCrd(ref) && !options.allowCrdDeletion()) {
        kept.add(new Change(ref, Action.SKIPPED, "CRDs are not pruned unless prune.allowCrdDeletion"));
      } else {
        deletions.add(ref);
      }
    }
    deletions.sort(KindOrder.DELETE);
    return new Plan(List.copyOf(deletions), List.copyOf(kept), List.copyOf(gone), Optional.empty());
  }

  private static List<Change> skipAll(Set<ObjectRef> stale, String reason) {
    return stale.stream().map(ref -> new Change(ref, Action.SKIPPED, reason)).toList();
  }
}
