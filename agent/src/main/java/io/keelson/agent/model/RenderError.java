package io.keelson.agent.model;

/** Why a revision cannot be applied, pointing at the file, document and line at fault. */
public record RenderError(Origin origin, String reason) {

  @Override
  public String toString() {
    return origin + ": " + reason;
  }
}
