package io.keelson.agent.inventory;

import io.keelson.agent.model.ObjectRef;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The objects a source has applied: the memory that lets prune delete only what left Git. Pure set
 * arithmetic; persisting it is {@code InventoryStore}'s job.
 */
public record Inventory(Set<ObjectRef> objects) {

  public Inventory {
    objects = Collections.unmodifiableSet(new TreeSet<>(objects));
  }

  public static Inventory empty() {
    return new Inventory(Set.of());
  }

  public static Inventory of(Collection<ObjectRef> refs) {
    return new Inventory(new TreeSet<>(refs));
  }

  /** What this inventory holds that {@code current} does not: candidates for prune. */
  public Set<ObjectRef> staleComparedTo(Inventory current) {
    Set<ObjectRef> stale = new TreeSet<>(objects);
    stale.removeAll(current.objects);
    return Collections.unmodifiableSet(stale);
  }

  /** This inventory plus {@code refs}: objects whose deletion failed stay so the next run retries them. */
  public Inventory with(Collection<ObjectRef> refs) {
    Set<ObjectRef> merged = new TreeSet<>(objects);
    merged.addAll(refs);
    return new Inventory(merged);
  }

  public int size() {
    return objects.size();
  }
}
