package io.keelson.release.controller;

import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.strategy.ReleaseEvent;

/** Told of every phase change and new step of a release: Events, notification webhooks. */
@FunctionalInterface
public interface ReleaseListener {

  void changed(ReleasePolicy policy, ReleaseEvent event);
}
