package io.keelson.agent.render.sops;

/** A wrapped data key that is malformed or fails authentication; the reason never quotes key material. */
final class DataKeyFailure extends Exception {

  private static final long serialVersionUID = 1L;

  DataKeyFailure(String reason) {
    super(reason, null, false, false);
  }
}
