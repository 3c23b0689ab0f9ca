package io.keelson.agent.render;

import java.util.Map;

/**
 * A render stage that transforms each document after plain files, Kustomize and Helm have produced it
 * and before it is checked as an object: SOPS decryption is one. A stage sees every document of the
 * revision, whatever produced it, and either gives the document to use or refuses it with a reason.
 */
@FunctionalInterface
public interface DocumentStage {

  /** What a stage made of one document. */
  sealed interface Outcome {
    /** The document to use from here on (the same map when the stage had nothing to do). */
    record Kept(Map<String, Object> content) implements Outcome {}

    /** The revision is rejected; {@code reason} names fields and keys, never a value. */
    record Refused(String reason) implements Outcome {}
  }

  /**
   * @param file the file the document comes from, relative to the root (for a Kustomize or Helm build,
   *     the kustomization or {@code Chart.yaml})
   * @param content the parsed document, a mapping
   */
  Outcome apply(String file, Map<String, Object> content);
}
