package io.keelson.agent.render;

import java.time.Duration;
import java.util.Objects;

/**
 * The render tools a source may use and how far they are trusted.
 *
 * @param kustomizeBinary the Kustomize executable, a path or a name looked up on the agent's PATH
 * @param helmBinary the Helm executable, likewise
 * @param timeout how long one {@code kustomize build} or {@code helm template} may run
 * @param maxOutputBytes most bytes one build may print; the build is killed past it
 * @param allowNetwork remote bases and chart repositories may be fetched (otherwise refused, and the tools
 *     run with a proxy that goes nowhere)
 * @param allowPlugins Kustomize's exec KRM functions and legacy plugins may run
 */
public record RenderTools(String kustomizeBinary, String helmBinary, Duration timeout, long maxOutputBytes,
    boolean allowNetwork, boolean allowPlugins) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  public static final long DEFAULT_MAX_OUTPUT_BYTES = 64L * 1024 * 1024;

  public RenderTools {
    Objects.requireNonNull(kustomizeBinary, "kustomizeBinary");
    Objects.requireNonNull(helmBinary, "helmBinary");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    if (maxOutputBytes <= 0) {
      throw new IllegalArgumentException("maxOutputBytes must be positive, was " + maxOutputBytes);
    }
  }

  /** The binaries from PATH, safe by default: no network, no plugins. */
  public static RenderTools defaults() {
    return new RenderTools("kustomize", "helm", DEFAULT_TIMEOUT, DEFAULT_MAX_OUTPUT_BYTES, false, false);
  }

  public RenderTools withBinaries(String kustomize, String helm) {
    return new RenderTools(kustomize, helm, timeout, maxOutputBytes, allowNetwork, allowPlugins);
  }

  public RenderTools withLimits(Duration buildTimeout, long maxBytes) {
    return new RenderTools(kustomizeBinary, helmBinary, buildTimeout, maxBytes, allowNetwork, allowPlugins);
  }

  public RenderTools withTrust(boolean network, boolean plugins) {
    return new RenderTools(kustomizeBinary, helmBinary, timeout, maxOutputBytes, network, plugins);
  }
}
