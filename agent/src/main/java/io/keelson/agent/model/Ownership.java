package io.keelson.agent.model;

import java.util.Map;

/** The marks Keelson puts on what it applies, and the per-object opt-outs users can set. */
public final class Ownership {

  /** The field manager of every server-side apply. */
  public static final String FIELD_MANAGER = "keelson";
  /** Label naming the source that applied an object; informers and prune select on it. */
  public static final String SOURCE_LABEL = "keelson.io/source";
  /** {@code keelson.io/prune: disabled} keeps an object when it leaves Git. */
  public static final String PRUNE_ANNOTATION = "keelson.io/prune";
  /** {@code keelson.io/reconcile: disabled} leaves an object alone: neither applied nor corrected. */
  public static final String RECONCILE_ANNOTATION = "keelson.io/reconcile";
  public static final String DISABLED = "disabled";

  private Ownership() {}

  public static boolean ownedBy(Map<String, String> labels, String source) {
    return labels != null && source.equals(labels.get(SOURCE_LABEL));
  }

  public static boolean disabled(Map<String, String> annotations, String annotation) {
    return annotations != null && DISABLED.equalsIgnoreCase(annotations.get(annotation));
  }
}
