package io.keelson.agent.render;

import java.util.Map;

/**
 * Helm hooks in rendered output. Helm runs a hook at a point of a release's life (before install, after
 * upgrade, as a test); Keelson has no such phases (it applies, and keeps applying, what Git declares), so a
 * hook applied as a plain object would run at the wrong time or again on every change. Like
 * {@code helm template --no-hooks}, Keelson leaves them out, and says so.
 */
final class HelmHooks {

  static final String ANNOTATION = "helm.sh/hook";

  private HelmHooks() {}

  static boolean isHook(Object document) {
    return annotations(document).containsKey(ANNOTATION);
  }

  /** As people write it: {@code Job shop/migrate (helm.sh/hook: pre-install)}. */
  static String describe(Object document) {
    Map<?, ?> map = document instanceof Map<?, ?> m ? m : Map.of();
    Map<?, ?> metadata = map.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
    Object namespace = metadata.get("namespace");
    return map.get("kind") + " " + (namespace == null ? "" : namespace + "/") + metadata.get("name")
        + " (" + ANNOTATION + ": " + annotations(document).get(ANNOTATION) + ")";
  }

  private static Map<?, ?> annotations(Object document) {
    if (document instanceof Map<?, ?> map && map.get("metadata") instanceof Map<?, ?> metadata
        && metadata.get("annotations") instanceof Map<?, ?> annotations) {
      return annotations;
    }
    return Map.of();
  }
}
