package io.keelson.agent.model;

/** Where a desired object came from: a file relative to the source root, its document (1-based) and line. */
public record Origin(String file, int document, int line) {

  /** A problem with a whole file or configured path, before any document is read (document and line 0). */
  public static Origin ofFile(String file) {
    return new Origin(file, 0, 0);
  }

  @Override
  public String toString() {
    return document == 0 && line == 0 ? file : file + ":" + line + " (document " + document + ")";
  }
}
