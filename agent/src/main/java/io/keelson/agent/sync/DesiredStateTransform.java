package io.keelson.agent.sync;

import io.keelson.agent.model.Rendered;

/** A step between render and apply that rewrites what Git declares, such as the release-aware render. */
@FunctionalInterface
public interface DesiredStateTransform {

  Rendered apply(Rendered rendered);

  static DesiredStateTransform none() {
    return rendered -> rendered;
  }
}
