package io.keelson.agent.sync;

import io.keelson.agent.plan.PruneOptions;
import io.keelson.agent.render.RenderTools;
import java.time.Duration;
import java.util.Set;

/**
 * One source's sync settings. {@code agentNamespace} holds the inventory; {@code healthTimeout} is how long a
 * sync waits for applied workloads to become ready (zero: assess once, do not wait); {@code fullCheckInterval}
 * is how long an object known to be unchanged is trusted before a sync reads and dry-runs it again; {@code tools}
 * are the Kustomize and Helm the render runs.
 */
public record SyncOptions(String source, String agentNamespace, String defaultNamespace,
    Set<String> allowedNamespaces, Set<String> deniedKinds, PruneOptions prune,
    int parallelism, Duration healthTimeout, Duration fullCheckInterval, RenderTools tools) {

  public static SyncOptions defaults(String source, String agentNamespace, String defaultNamespace) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, Set.of(), Set.of(),
        PruneOptions.defaults(), 8, Duration.ofSeconds(60), Duration.ofHours(1), RenderTools.defaults());
  }

  public SyncOptions withPrune(PruneOptions value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, allowedNamespaces, deniedKinds, value,
        parallelism, healthTimeout, fullCheckInterval, tools);
  }

  public SyncOptions withHealthTimeout(Duration value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, allowedNamespaces, deniedKinds, prune,
        parallelism, value, fullCheckInterval, tools);
  }

  public SyncOptions withAllowedNamespaces(Set<String> value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, value, deniedKinds, prune, parallelism,
        healthTimeout, fullCheckInterval, tools);
  }

  public SyncOptions withDeniedKinds(Set<String> value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, allowedNamespaces, value, prune, parallelism,
        healthTimeout, fullCheckInterval, tools);
  }

  /** Zero: no object is ever taken as unchanged without a read and a dry run. */
  public SyncOptions withFullCheckInterval(Duration value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, allowedNamespaces, deniedKinds, prune,
        parallelism, healthTimeout, value, tools);
  }

  public SyncOptions withTools(RenderTools value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, allowedNamespaces, deniedKinds, prune,
        parallelism, healthTimeout, fullCheckInterval, value);
  }
}
