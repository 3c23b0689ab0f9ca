package io.keelson.agent.sync;

import io.keelson.agent.health.Health;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.plan.Action;
import io.keelson.agent.plan.Change;
import io.keelson.agent.plan.ChangeSet;
import java.util.List;
import java.util.Optional;

/**
 * The one line an on-call engineer reads first: why the cluster does not match the revision, naming the
 * first blocking object. Empty when it does match.
 */
final class Convergence {

  private Convergence() {}

  static String explain(List<RenderError> renderErrors, List<ObjectError> objectErrors, ChangeSet changes,
      Optional<String> pruneRefusal, List<Health> health) {
    if (!renderErrors.isEmpty()) {
      return "revision rejected: " + renderErrors.get(0) + more(renderErrors.size());
    }
    if (!objectErrors.isEmpty()) {
      return "revision rejected by the API server: " + objectErrors.get(0) + more(objectErrors.size());
    }
    List<Change> failed = changes.with(Action.FAILED);
    if (!failed.isEmpty()) {
      return failed.get(0) + more(failed.size());
    }
    if (pruneRefusal.isPresent()) {
      return pruneRefusal.get();
    }
    return health.stream().filter(h -> !h.ready()).findFirst().map(Health::toString).orElse("");
  }

  private static String more(int count) {
    return count > 1 ? " (and " + (count - 1) + " more)" : "";
  }
}
