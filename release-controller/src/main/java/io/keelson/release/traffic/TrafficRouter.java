package io.keelson.release.traffic;

import io.keelson.release.api.RouterKind;
import java.util.Optional;

/**
 * Moves a policy's traffic between stable and canary. One implementation per mesh; every call is idempotent
 * and safe to repeat on every tick. Failures to reach the API server surface as runtime exceptions.
 */
public interface TrafficRouter {

  /**
   * Makes the policy's routing objects match {@code routes}: creates them when missing, and re-asserts
   * them when they were edited or deleted by hand. Writes only when something differs.
   */
  void reconcile(PolicyRef policy, Routes routes);

  /** The routes in effect, read back from the live routing objects; empty when they do not exist. */
  Optional<Routes> current(PolicyRef policy);

  /** Deletes the policy's routing objects; nothing happens when they do not exist. */
  void finalize(PolicyRef policy);

  /** Which routing API carries the policy's traffic through this router; empty when it does not say. */
  default Optional<RouterKind> kind(PolicyRef policy) {
    return Optional.empty();
  }
}
