package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.keelson.agent.inventory.Inventory;
import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.model.Ownership;
import io.keelson.agent.plan.Action;
import io.keelson.agent.plan.Change;
import io.keelson.agent.plan.KindOrder;
import io.keelson.agent.plan.ObjectComparison;
import io.keelson.agent.plan.PruneOptions;
import io.keelson.agent.plan.PrunePlanner;
import io.keelson.agent.render.ManifestRenderer;
import io.keelson.agent.model.Rendered;
import io.keelson.agent.render.ReleaseAwareRenderStage;
import io.keelson.agent.render.TreeIds;
import io.keelson.release.api.RouterKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a sync of a working tree would change on a live cluster, without writing anything: the agent's own
 * render, release-aware transform and source label, then per object the server-side dry-run result beside
 * the live object, and what prune would delete given the source's inventory. The pipeline of a sync,
 * stopped before its first write (its {@link ResourceManager} refuses every write).
 */
public final class ChangePreview {

  /**
   * One object's fate. {@code live} is the object as the cluster has it (absent when created),
   * {@code result} as it would be after the sync (absent when deleted); {@code note} says why when skipped
   * or not dry-run.
   */
  public record Entry(ObjectRef ref, Action action, Map<String, Object> live, Map<String, Object> result,
      String note) {

    public boolean changes() {
      return action == Action.CREATED || action == Action.CONFIGURED || action == Action.DELETED;
    }
  }

  /**
   * @param errors objects the API server refused at the dry run (the sync would be rejected, writing nothing)
   * @param pruneRefusal why prune would delete nothing at all, if so
   */
  public record Preview(List<Entry> entries, List<ObjectError> errors, Optional<String> pruneRefusal) {}

  private final ResourceManager manager;
  private final DiscoveryCapabilities capabilities;
  private final ReleaseAwareRenderStage releaseAwareRender;
  private final InventoryStore inventories;
  private final Pruner pruner;

  /**
   * @param resources the cluster's ResourceManager; the preview uses it fenced shut, so nothing is written
   * @param agentNamespace where the agent keeps its inventories
   * @param router the agent's default router ({@code releaseController.router})
   */
  public ChangePreview(ResourceManager resources, String agentNamespace, RouterKind router) {
    this.manager = resources.fenced(() -> {
      throw new IllegalStateException("a preview never writes");
    });
    this.capabilities = new DiscoveryCapabilities(manager);
    this.releaseAwareRender = new ReleaseAwareRenderStage(router);
    this.inventories = new InventoryStore(manager, agentNamespace);
    this.pruner = new Pruner(manager);
  }

  /** Renders as a sync does: the cluster's kind scopes and capabilities, then the live release statuses. */
  public ReleaseAwareRenderStage.Result render(ManifestRenderer renderer, Path root, List<String> paths) {
    manager.discovery().refresh();
    Rendered plain = renderer.render(root, paths, manager.discovery()::namespaced, capabilities, TreeIds.NONE);
    return releaseAwareRender.apply(plain, manager.releaseStatuses(plain));
  }

  /** What a sync of {@code rendered} objects (as {@link #render} gave them) would do for {@code source}. */
  public Preview preview(String source, List<DesiredObject> rendered, PruneOptions prune) {
    List<DesiredObject> desired = rendered.stream().map(o -> SourceLabel.labelled(source, o))
        .sorted((a, b) -> KindOrder.APPLY.compare(a.ref(), b.ref())).toList();
    Set<String> comingNamespaces = desired.stream().map(DesiredObject::ref)
        .filter(ref -> ref.group().isEmpty() && ref.kind().equals("Namespace"))
        .map(ObjectRef::name).collect(Collectors.toSet());
    NamespaceCheck namespaces = new NamespaceCheck(manager);
    List<Entry> entries = new ArrayList<>();
    List<ObjectError> errors = new ArrayList<>();
    for (DesiredObject object : desired) {
      ObjectRef ref = object.ref();
      boolean served = manager.discovery().find(ref.apiVersion(), ref.kind()).isPresent();
      if (served && ref.namespaced() && !namespaces.exists(ref.namespace())
          && comingNamespaces.contains(ref.namespace())) {
        entries.add(notDryRun(object, "namespace " + ref.namespace() + " comes with this revision"));
      } else if (!served && declaresKind(desired, ref)) {
        entries.add(notDryRun(object, "its kind comes with a CustomResourceDefinition of this revision"));
      } else {
        check(object, entries, errors);
      }
    }
    Inventory previous = inventories.read(source).orElse(Inventory.empty());
    Inventory current = Inventory.of(desired.stream().map(DesiredObject::ref).toList());
    PrunePlanner.Plan plan = pruner.plan(source, previous.staleComparedTo(current), previous.size(), prune);
    for (ObjectRef ref : plan.deletions()) {
      manager.get(ref).ifPresent(live -> entries.add(
          new Entry(ref, Action.DELETED, manager.asMap(live), null, "removed from Git")));
    }
    for (Change kept : plan.kept()) {
      entries.add(new Entry(kept.ref(), Action.SKIPPED, null, null, "not pruned: " + kept.reason()));
    }
    for (Change unknown : plan.unknown()) {
      entries.add(new Entry(unknown.ref(), Action.SKIPPED, null, null, "not pruned: " + unknown.reason()));
    }
    return new Preview(entries, errors, plan.refusal());
  }

  private void check(DesiredObject desired, List<Entry> entries, List<ObjectError> errors) {
    ObjectRef ref = desired.ref();
    GenericKubernetesResource object = desired.object();
    if (Ownership.disabled(object.getMetadata().getAnnotations(), Ownership.RECONCILE_ANNOTATION)) {
      entries.add(new Entry(ref, Action.SKIPPED, null, null, Ownership.RECONCILE_ANNOTATION + ": disabled in Git"));
      return;
    }
    Map<String, Object> wanted = manager.asMap(object);
    try {
      GenericKubernetesResource dryRun = manager.dryRunApply(object);
      GenericKubernetesResource live = ResourceManager.wouldCreate(dryRun) ? null : manager.get(ref).orElse(null);
      if (live != null && Ownership.disabled(live.getMetadata().getAnnotations(), Ownership.RECONCILE_ANNOTATION)) {
        entries.add(new Entry(ref, Action.SKIPPED, null, null,
            Ownership.RECONCILE_ANNOTATION + ": disabled on the live object"));
        return;
      }
      Map<String, Object> result = manager.asMap(dryRun);
      Map<String, Object> current = live == null ? null : manager.asMap(live);
      Action action = live == null ? Action.CREATED
          : ObjectComparison.differs(result, current) ? Action.CONFIGURED : Action.UNCHANGED;
      entries.add(new Entry(ref, action, current, result, ""));
    } catch (KubernetesClientException e) {
      errors.add(new ObjectError(ref, desired.origin(), SecretRedaction.redact(e, wanted)));
    }
  }

  private Entry notDryRun(DesiredObject object, String why) {
    return new Entry(object.ref(), Action.CREATED, null, manager.asMap(object.object()), "not dry-run: " + why);
  }

  /** Whether a CustomResourceDefinition among {@code desired} defines the kind of {@code ref}. */
  private static boolean declaresKind(List<DesiredObject> desired, ObjectRef ref) {
    return desired.stream().filter(o -> KindOrder.isCrd(o.ref())).anyMatch(crd -> {
      Object spec = crd.object().getAdditionalProperties().get("spec");
      if (!(spec instanceof Map<?, ?> s) || !(s.get("names") instanceof Map<?, ?> names)) {
        return false;
      }
      return ref.group().equals(s.get("group")) && ref.kind().equals(names.get("kind"));
    });
  }
}
