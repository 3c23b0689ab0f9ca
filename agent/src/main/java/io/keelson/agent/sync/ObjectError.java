package io.keelson.agent.sync;

import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.model.Origin;

/** The API server refused an object: which, from which file, and its message (Secret values redacted). */
public record ObjectError(ObjectRef ref, Origin origin, String message) {

  @Override
  public String toString() {
    return ref + (origin == null ? "" : " (" + origin + ")") + ": " + message;
  }
}
