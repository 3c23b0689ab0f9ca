package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.plan.UnchangedObjects;
import io.keelson.agent.plan.UnchangedObjects.Remembered;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this agent last established about each managed object: the desired content it applied (or found
 * already in place) and the resourceVersion the API server gave the object then. Kept in memory only, so a
 * restarted agent checks everything in full once. The one place that records, forgets and asks
 * {@link UnchangedObjects} for a verdict.
 */
final class AppliedState {

  private final Clock clock;
  private final Duration maxAge;
  private final Map<ObjectRef, Remembered> remembered = new ConcurrentHashMap<>();

  AppliedState(Clock clock, Duration maxAge) {
    this.clock = clock;
    this.maxAge = maxAge;
  }

  UnchangedObjects.Verdict judge(ObjectRef ref, String desiredHash, Optional<GenericKubernetesResource> cached) {
    return UnchangedObjects.judge(Optional.ofNullable(remembered.get(ref)), desiredHash,
        cached.map(o -> o.getMetadata().getResourceVersion()), clock.instant(), maxAge);
  }

  /** {@code live} is the object as the server returned it after an apply, or as read when nothing needed one. */
  void established(ObjectRef ref, String desiredHash, GenericKubernetesResource live) {
    String version = live == null ? null : live.getMetadata().getResourceVersion();
    if (version == null) {
      remembered.remove(ref);
    } else {
      remembered.put(ref, new Remembered(desiredHash, version, clock.instant()));
    }
  }

  /** Nothing is known about it any more (a failure, a skip, a pending write): its next sync checks in full. */
  void forget(ObjectRef ref) {
    remembered.remove(ref);
  }

  /** Forgets every object that left the inventory. */
  void retainOnly(Set<ObjectRef> managed) {
    remembered.keySet().retainAll(managed);
  }

  /** Forgets everything (this replica stopped leading: others may write while it does not watch). */
  void clear() {
    remembered.clear();
  }

  int size() {
    return remembered.size();
  }
}
