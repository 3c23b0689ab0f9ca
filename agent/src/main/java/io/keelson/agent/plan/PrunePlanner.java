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

  /** Whether the API server has a stale object, has none, or cannot say because it does not serve its kind. */
  public enum Presence { PRESENT, ABSENT, KIND_NOT_SERVED }

  /**
   * What the cluster says about a stale object: present with its UID (the delete is made on that very object),
   * labels and annotations; absent; or unknown, when its kind is not served (its CRD deleted, its API group
   * down), which is never taken for absent.
   */
  public record Live(Presence presence, String uid, Map<String, String> labels, Map<String, String> annotations) {
    public static Live present(String uid, Map<String, String> labels, Map<String, String> annotations) {
      return new Live(Presence.PRESENT, uid, labels == null ? Map.of() : labels,
          annotations == null ? Map.of() : annotations);
    }

    public static Live absent() {
      return new Live(Presence.ABSENT, null, Map.of(), Map.of());
    }

    public static Live kindNotServed() {
      return new Live(Presence.KIND_NOT_SERVED, null, Map.of(), Map.of());
    }
  }

  /**
   * @param deletions in deletion order
   * @param kept stale objects left in place, with the reason (they leave the inventory: no longer ours)
   * @param gone stale objects already absent
   * @param unknown stale objects whose kind the API server does not serve now: reported, and kept in the
   *     inventory so a later sync deletes them once the kind is back
   * @param refusal why nothing is deleted at all, if so (then every stale object stays in the inventory)
   */
  public record Plan(List<ObjectRef> deletions, List<Change> kept, List<ObjectRef> gone, List<Change> unknown,
      Optional<String> refusal) {}

  public static Plan plan(String source, Set<ObjectRef> stale, int inventorySize, Map<ObjectRef, Live> live,
      PruneOptions options) {
    if (stale.isEmpty()) {
      return new Plan(List.of(), List.of(), List.of(), List.of(), Optional.empty());
    }
    if (!options.enabled()) {
      return new Plan(List.of(), skipAll(stale, "prune is disabled for this source"), List.of(), List.of(),
          Optional.empty());
    }
    if (!options.allowMassPrune() && inventorySize >= options.minInventoryForFractionGuard()
        && stale.size() > options.maxFraction() * inventorySize) {
      return new Plan(List.of(), List.of(), List.of(), List.of(), Optional.of(String.format(
          "prune refused: it would delete %d of %d objects (%.0f%%), more than the allowed %.0f%%;"
              + " set prune.allowMassPrune to let it proceed",
          stale.size(), inventorySize, 100.0 * stale.size() / inventorySize, 100 * options.maxFraction())));
    }
    List<ObjectRef> deletions = new ArrayList<>();
    List<Change> kept = new ArrayList<>();
    List<ObjectRef> gone = new ArrayList<>();
    List<Change> unknown = new ArrayList<>();
    for (ObjectRef ref : stale) {
      Live state = live.getOrDefault(ref, Live.absent());
      if (state.presence() == Presence.KIND_NOT_SERVED) {
        unknown.add(new Change(ref, Action.SKIPPED, "the API server does not serve " + ref.apiVersion() + " "
            + ref.kind() + " (CRD deleted or API group unavailable): kept in the inventory, pruned once it is served"));
      } else if (state.presence() == Presence.ABSENT) {
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
    return new Plan(List.copyOf(deletions), List.copyOf(kept), List.copyOf(gone), List.copyOf(unknown),
        Optional.empty());
  }

  private static List<Change> skipAll(Set<ObjectRef> stale, String reason) {
    return stale.stream().map(ref -> new Change(ref, Action.SKIPPED, reason)).toList();
  }
}
