package io.keelson.agent.sync;

import io.keelson.agent.health.Health;
import io.keelson.agent.health.HealthAssessor;
import io.keelson.agent.model.ObjectRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Waits, up to a deadline, until the applied objects are ready; re-reads only those that are not. */
final class HealthWaiter {

  private static final Duration POLL = Duration.ofMillis(500);

  private final ResourceManager manager;
  private final Clock clock;

  HealthWaiter(ResourceManager manager, Clock clock) {
    this.manager = manager;
    this.clock = clock;
  }

  /**
   * Health of every object (as assessed when it was applied), in kind order; stops early once a workload has FAILED, and throws when this
   * replica may no longer write.
   */
  List<Health> await(Map<ObjectRef, Health> applied, Duration timeout) {
    Map<ObjectRef, Health> health = new TreeMap<>(io.keelson.agent.plan.KindOrder.APPLY);
    health.putAll(applied);
    Instant deadline = clock.instant().plus(timeout);
    while (pending(health) && clock.instant().isBefore(deadline) && !failed(health)) {
      sleep();
      manager.checkWrite(); // a replica that lost its Lease abandons the wait with the sync
      for (Health h : new ArrayList<>(health.values())) {
        if (h.state() == Health.State.PROGRESSING) {
          health.put(h.ref(), HealthAssessor.assess(h.ref(), manager.get(h.ref()).map(manager::asMap).orElse(null)));
        }
      }
    }
    return List.copyOf(health.values());
  }

  private static boolean pending(Map<ObjectRef, Health> health) {
    return health.values().stream().anyMatch(h -> h.state() == Health.State.PROGRESSING);
  }

  private static boolean failed(Map<ObjectRef, Health> health) {
    return health.values().stream().anyMatch(h -> h.state() == Health.State.FAILED);
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for health", e);
    }
  }
}
