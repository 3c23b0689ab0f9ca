package io.keelson.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * How far a source's Kustomize and Helm builds are trusted. Both off by default: a repository's builds
 * read only the repository, and run no program of its choosing.
 */
public class SourceRenderSettings {

  /** Remote bases and chart repositories may be fetched. */
  @JsonProperty
  private boolean allowNetwork;

  /** Kustomize's exec KRM functions and legacy plugins may run (programs the repository chooses). */
  @JsonProperty
  private boolean allowPlugins;

  /** Chart repositories the agent pulls {@code helmCharts} from itself, with credentials (no network trust needed). */
  @JsonProperty
  @Valid
  @NotNull
  private List<ChartRepositorySettings> chartRepositories = List.of();

  public List<ChartRepositorySettings> getChartRepositories() {
    return chartRepositories;
  }

  public boolean isAllowNetwork() {
    return allowNetwork;
  }

  public boolean isAllowPlugins() {
    return allowPlugins;
  }
}
