package io.keelson.agent.sync;

import io.keelson.agent.leader.WriteFence;
import io.keelson.agent.plan.PruneOptions;
import io.keelson.agent.render.RenderTools;
import io.keelson.agent.render.sops.SopsDecryptor;
import io.keelson.release.api.RouterKind;
import java.time.Duration;
import java.util.Set;

/**
 * One source's sync settings. {@code agentNamespace} holds the inventory; {@code healthTimeout} is how long a
 * sync waits for applied workloads to become ready (zero: assess once, do not wait); {@code fullCheckInterval}
 * is how long an object known to be unchanged is trusted before a sync reads and dry-runs it again; {@code sops}
 * decrypts SOPS-encrypted manifests during render; {@code tools} are the Kustomize and Helm the render runs;
 * {@code fence} says whether this replica may still write (see {@link WriteFence}); {@code defaultRouter} is
 * the router of a ReleasePolicy that names none, for the policy's validation.
 */
public record SyncOptions(String source, String agentNamespace, String defaultNamespace,
    Set<String> allowedNamespaces, Set<String> deniedKinds, PruneOptions prune,
    int parallelism, Duration healthTimeout, Duration fullCheckInterval, SopsDecryptor sops, RenderTools tools,
    WriteFence fence, RouterKind defaultRouter) {

  public static SyncOptions defaults(String source, String agentNamespace, String defaultNamespace) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, Set.of(), Set.of(),
        PruneOptions.defaults(), 8, Duration.ofSeconds(60), Duration.ofHours(1), SopsDecryptor.withoutKeys(),
        RenderTools.defaults(), WriteFence.unfenced(), RouterKind.ISTIO);
  }

  public SyncOptions withPrune(PruneOptions value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, allowedNamespaces, deniedKinds, value,
        parallelism, healthTimeout, fullCheckInterval, sops, tools, fence, defaultRouter);
  }

  public SyncOptions withHealthTimeout(Duration value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, allowedNamespaces, deniedKinds, prune,
        parallelism, value, fullCheckInterval, sops, tools, fence, defaultRouter);
  }

  public SyncOptions withAllowedNamespaces(Set<String> value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, value, deniedKinds, prune, parallelism,
        healthTimeout, fullCheckInterval, sops, tools, fence, defaultRouter);
  }

  public SyncOptions withDeniedKinds(Set<String> value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, allowedNamespaces, value, prune, parallelism,
        healthTimeout, fullCheckInterval, sops, tools, fence, defaultRouter);
  }

  /** Zero: no object is ever taken as unchanged without a read and a dry run. */
  public SyncOptions withFullCheckInterval(Duration value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, allowedNamespaces, deniedKinds, prune,
        parallelism, healthTimeout, value, sops, tools, fence, defaultRouter);
  }

  public SyncOptions withSops(SopsDecryptor value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, allowedNamespaces, deniedKinds, prune,
        parallelism, healthTimeout, fullCheckInterval, value, tools, fence, defaultRouter);
  }

  public SyncOptions withTools(RenderTools value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, allowedNamespaces, deniedKinds, prune,
        parallelism, healthTimeout, fullCheckInterval, sops, value, fence, defaultRouter);
  }

  /** Writes only while {@code value} holds: a replica that lost its Lease abandons the sync in hand. */
  public SyncOptions withFence(WriteFence value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, allowedNamespaces, deniedKinds, prune,
        parallelism, healthTimeout, fullCheckInterval, sops, tools, value, defaultRouter);
  }

  public SyncOptions withDefaultRouter(RouterKind value) {
    return new SyncOptions(source, agentNamespace, defaultNamespace, allowedNamespaces, deniedKinds, prune,
        parallelism, healthTimeout, fullCheckInterval, sops, tools, fence, value);
  }
}
