package io.keelson.release.controller;

import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.deploy.PolicyKey;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The releases as the scheduler of their ticks sees them ({@link ReleaseController} is the one implementation):
 * which policies there are and whether that is all of them yet, what can move one on, and one policy's tick.
 */
public interface Releases {

  /** Tells {@code changed} the key of every policy a change concerns, from then on; idempotent. */
  void watch(String deploymentLabel, Consumer<PolicyKey> changed);

  /** Whether every policy has been listed: until then {@link #keys} is incomplete and a tick may find none. */
  boolean hasListed();

  /** The keys of every policy listed. */
  Set<PolicyKey> keys();

  /** Reconciles one policy if {@code drives} says so; empty when it is gone, not driven or released nothing yet. */
  Optional<ReleaseController.Ticked> tick(PolicyKey key, Predicate<ReleasePolicy> drives);
}
