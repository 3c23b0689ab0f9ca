package io.keelson.agent.plan;

import io.keelson.agent.model.ObjectRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Everything a sync did, one entry per object. Logs, Events, status and the inventory are all rendered
 * from it, so they never disagree.
 */
public record ChangeSet(List<Change> changes) {

  public ChangeSet {
    changes = List.copyOf(changes);
  }

  public static ChangeSet empty() {
    return new ChangeSet(List.of());
  }

  public ChangeSet plus(ChangeSet other) {
    List<Change> all = new ArrayList<>(changes);
    all.addAll(other.changes);
    return new ChangeSet(all);
  }

  public List<Change> with(Action action) {
    return changes.stream().filter(change -> change.action() == action).toList();
  }

  public List<ObjectRef> refs(Action action) {
    return with(action).stream().map(Change::ref).toList();
  }

  /** Counts per action, in enum order, e.g. {created=3, unchanged=997}. */
  public Map<Action, Integer> counts() {
    Map<Action, Integer> counts = new EnumMap<>(Action.class);
    for (Change change : changes) {
      counts.merge(change.action(), 1, Integer::sum);
    }
    return Collections.unmodifiableMap(counts);
  }

  /** Objects whose state in the cluster this sync changed. */
  public int writes() {
    return with(Action.CREATED).size() + with(Action.CONFIGURED).size() + with(Action.DELETED).size();
  }

  /** One line for logs and status: {@code 3 created, 1 configured, 996 unchanged}. */
  public String summary() {
    if (changes.isEmpty()) {
      return "no objects";
    }
    return counts().entrySet().stream()
        .map(entry -> entry.getValue() + " " + entry.getKey().word())
        .collect(Collectors.joining(", "));
  }
}
