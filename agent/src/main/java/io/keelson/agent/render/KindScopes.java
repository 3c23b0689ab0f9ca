package io.keelson.agent.render;

import java.util.Optional;

/**
 * Whether a kind is namespaced, as the API server's discovery says. The caller implements it with a
 * client so that rendering itself stays free of I/O against the cluster.
 */
@FunctionalInterface
public interface KindScopes {

  /** Empty when the API server does not serve the kind (for example a CRD that this revision adds). */
  Optional<Boolean> namespaced(String apiVersion, String kind);
}
