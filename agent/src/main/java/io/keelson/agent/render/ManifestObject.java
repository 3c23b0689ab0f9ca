package io.keelson.agent.render;

import io.keelson.agent.model.Origin;
import java.util.Map;

/**
 * An object read from a manifest that has the fields every object needs, not yet checked against the
 * cluster's kinds or the namespace policy.
 *
 * @param namespace as declared, or null when none (an empty string counts as none)
 */
record ManifestObject(Origin origin, Map<String, Object> content, String apiVersion, String kind,
    String name, String namespace) {

  String group() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  /** As people write it, without the value of any field: {@code Secret shop/db}. */
  String describe() {
    return kind + " " + (namespace == null ? name : namespace + "/" + name);
  }
}
