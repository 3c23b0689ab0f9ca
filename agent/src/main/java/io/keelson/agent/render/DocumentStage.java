package io.keelson.agent.render;

import java.util.List;

/**
 * A render stage that transforms documents after plain files, Kustomize and Helm have produced them and
 * before they are checked as objects: SOPS decryption is one. A stage is given the documents of one plain
 * file together (a SOPS file's MAC covers all of them), and each document a tool printed on its own (a
 * build mixes the documents of many files), and either gives the documents to use or refuses them.
 */
@FunctionalInterface
public interface DocumentStage {

  /** What a stage made of the documents. */
  sealed interface Outcome {
    /**
     * The documents to use from here on: one per document given, in order (the same list when the stage had
     * nothing to do); null where the stage leaves a document out.
     */
    record Kept(List<Object> documents) implements Outcome {}

    /** The documents are rejected; {@code reason} names fields and keys, never a value. */
    record Refused(String reason) implements Outcome {}
  }

  /**
   * @param file the file the documents come from, relative to the root (for a Kustomize or Helm build,
   *     the kustomization or {@code Chart.yaml})
   * @param documents the parsed documents, in order
   */
  Outcome apply(String file, List<Object> documents);
}
