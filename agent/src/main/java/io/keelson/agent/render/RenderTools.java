package io.keelson.agent.render;

import java.time.Duration;
import java.util.List;
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
 * @param chartRepositories chart repositories the agent pulls {@code helmCharts} from itself, with their
 *     credentials, whether or not the network is otherwise allowed
 * @param chartSource what pulls from them
 */
public record RenderTools(String kustomizeBinary, String helmBinary, Duration timeout, long maxOutputBytes,
    boolean allowNetwork, boolean allowPlugins, List<ChartRepository> chartRepositories, ChartSource chartSource) {

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
    chartRepositories = List.copyOf(chartRepositories);
  }

  /** The binaries from PATH, safe by default: no network, no plugins. */
  public static RenderTools defaults() {
    return new RenderTools("kustomize", "helm", DEFAULT_TIMEOUT, DEFAULT_MAX_OUTPUT_BYTES, false, false, List.of(),
        ChartSource.NONE);
  }

  public RenderTools withBinaries(String kustomize, String helm) {
    return new RenderTools(kustomize, helm, timeout, maxOutputBytes, allowNetwork, allowPlugins, chartRepositories, chartSource);
  }

  public RenderTools withLimits(Duration buildTimeout, long maxBytes) {
    return new RenderTools(kustomizeBinary, helmBinary, buildTimeout, maxBytes, allowNetwork, allowPlugins, chartRepositories, chartSource);
  }

  public RenderTools withChartRepositories(List<ChartRepository> repositories, ChartSource source) {
    return new RenderTools(kustomizeBinary, helmBinary, timeout, maxOutputBytes, allowNetwork, allowPlugins,
        repositories, source);
  }

  /** The configured repository a {@code helmCharts} entry's {@code repo} names, if any. */
  public java.util.Optional<ChartRepository> chartRepository(String repo) {
    return chartRepositories.stream().filter(r -> r.serves(repo)).findFirst();
  }

  public RenderTools withTrust(boolean network, boolean plugins) {
    return new RenderTools(kustomizeBinary, helmBinary, timeout, maxOutputBytes, network, plugins, chartRepositories, chartSource);
  }
}
