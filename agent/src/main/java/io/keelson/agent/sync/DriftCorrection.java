package io.keelson.agent.sync;

import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.plan.Action;
import java.time.Instant;
import java.util.List;

/**
 * A managed object changed or deleted by someone else and put back: who did it (their field manager, or
 * "unknown" for a deletion), which fields they owned, and what Keelson did about it.
 */
public record DriftCorrection(ObjectRef ref, String changedBy, List<String> fields, Action action, Instant at,
    String error) {

  @Override
  public String toString() {
    return ref + " changed by " + changedBy + (fields.isEmpty() ? "" : " " + fields) + ": " + action.word()
        + (error.isEmpty() ? "" : " (" + error + ")");
  }
}
