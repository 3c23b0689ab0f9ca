package io.keelson.agent.model;

/** Where a desired object came from: a file relative to the source root, its document (1-based) and line. */
public record Origin(String file, int document, int line) {

  @Override
  public String toString() {
    return file + ":" + line + " (document " + document + ")";
  }
}
