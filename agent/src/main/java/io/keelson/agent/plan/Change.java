package io.keelson.agent.plan;

import io.keelson.agent.model.ObjectRef;

/** One object's entry in a {@link ChangeSet}; {@code reason} says why when it is not self-evident. */
public record Change(ObjectRef ref, Action action, String reason) {

  public static Change of(ObjectRef ref, Action action) {
    return new Change(ref, action, "");
  }

  @Override
  public String toString() {
    return ref + " " + action.word() + (reason.isEmpty() ? "" : " (" + reason + ")");
  }
}
