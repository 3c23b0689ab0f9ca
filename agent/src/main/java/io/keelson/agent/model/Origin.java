package io.keelson.agent.model;

/**
 * Where a desired object came from: a file relative to the source root, its document (1-based) and line.
 * For a Kustomize or Helm build the file is the kustomization or {@code Chart.yaml}, the document counts
 * in the build's output, and the line is 0.
 */
public record Origin(String file, int document, int line) {

  /** A problem with a whole file or configured path, before any document is read (document and line 0). */
  public static Origin ofFile(String file) {
    return new Origin(file, 0, 0);
  }

  @Override
  public String toString() {
    if (line == 0) {
      // A whole file, or a document a tool (Kustomize, Helm) printed for the file that declared the build.
      return document == 0 ? file : file + " (document " + document + ")";
    }
    return file + ":" + line + " (document " + document + ")";
  }
}
