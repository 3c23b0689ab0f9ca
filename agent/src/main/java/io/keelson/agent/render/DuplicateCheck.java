package io.keelson.agent.render;

import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.model.Origin;
import io.keelson.agent.model.RenderError;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds objects declared twice. Identity is group, kind, namespace and name ({@link ObjectRef#equals}
 * ignores the version), so one object written in two API versions is a duplicate too.
 */
final class DuplicateCheck {

  private final Map<ObjectRef, Origin> firstSeen = new HashMap<>();

  /** An error naming both places when {@code ref} was seen before; the first declaration is kept. */
  Optional<RenderError> check(ObjectRef ref, Origin origin) {
    Origin first = firstSeen.putIfAbsent(ref, origin);
    if (first == null) {
      return Optional.empty();
    }
    return Optional.of(new RenderError(origin, ref + " is declared twice: at " + first + " and at " + origin));
  }
}
