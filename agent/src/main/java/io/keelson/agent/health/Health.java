package io.keelson.agent.health;

import io.keelson.agent.model.ObjectRef;

/** Whether one object is ready, and if not, why — worded for the on-call engineer. */
public record Health(ObjectRef ref, State state, String message) {

  public enum State { READY, PROGRESSING, FAILED }

  public boolean ready() {
    return state == State.READY;
  }

  /** e.g. {@code Deployment shop/cart: 1/3 available (ProgressDeadlineExceeded)}. */
  @Override
  public String toString() {
    return ref + ": " + message;
  }
}
