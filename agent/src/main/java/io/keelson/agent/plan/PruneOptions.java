package io.keelson.agent.plan;

/**
 * How far prune may go. Namespaces and CRDs take everything inside them along, so deleting them needs an
 * explicit yes; so does deleting more than {@code maxFraction} of the inventory at once (a wrong path in
 * the configuration must not empty a cluster).
 */
public record PruneOptions(boolean enabled, double maxFraction, int minInventoryForFractionGuard,
    boolean allowNamespaceDeletion, boolean allowCrdDeletion, boolean allowMassPrune) {

  public static PruneOptions defaults() {
    return new PruneOptions(true, 0.5, 10, false, false, false);
  }

  public PruneOptions withEnabled(boolean value) {
    return new PruneOptions(value, maxFraction, minInventoryForFractionGuard, allowNamespaceDeletion,
        allowCrdDeletion, allowMassPrune);
  }

  public PruneOptions withMaxFraction(double value) {
    return new PruneOptions(enabled, value, minInventoryForFractionGuard, allowNamespaceDeletion,
        allowCrdDeletion, allowMassPrune);
  }

  public PruneOptions withAllowMassPrune(boolean value) {
    return new PruneOptions(enabled, maxFraction, minInventoryForFractionGuard, allowNamespaceDeletion,
        allowCrdDeletion, value);
  }

  public PruneOptions withAllowNamespaceDeletion(boolean value) {
    return new PruneOptions(enabled, maxFraction, minInventoryForFractionGuard, value, allowCrdDeletion,
        allowMassPrune);
  }

  public PruneOptions withAllowCrdDeletion(boolean value) {
    return new PruneOptions(enabled, maxFraction, minInventoryForFractionGuard, allowNamespaceDeletion, value,
        allowMassPrune);
  }
}
