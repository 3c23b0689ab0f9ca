package io.keelson.agent.sync;

import io.keelson.agent.plan.PruneOptions;
import java.time.Duration;
import java.util.Set;

/**
 * One source's sync settings. {@code agentNamespace} holds the inventory; {@code healthTimeout} is how long a
 * sync waits for applied workloads to become ready (zero: assess once, do not wait).
 */
public record SyncOptions(String source, String agentNamespace, String defaultNamespace,
    Set<String> allowedNamespaces, Set<String> deniedKinds, PruneOptions prune,
    int parallelism, Duration healthTimeout) {

  public static SyncOptions defaults(String source, String agentNamespace, String defaultNamespace) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, Set.of(), Set.of(),
        PruneOptions.defaults(), 8, Duration.ofSeconds(60));
  }

  public SyncOptions withPrune(PruneOptions value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, allowedNamespaces, deniedKinds, value,
        parallelism, healthTimeout);
  }

  public SyncOptions withHealthTimeout(Duration value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, allowedNamespaces, deniedKinds, prune,
        parallelism, value);
  }

  public SyncOptions withAllowedNamespaces(Set<String> value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, value, deniedKinds, prune, parallelism,
        healthTimeout);
  }

  public SyncOptions withDeniedKinds(Set<String> value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, allowedNamespaces, value, prune, parallelism,
        healthTimeout);
  }
}
