package io.keelson.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;

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

  public boolean isAllowNetwork() {
    return allowNetwork;
  }

  public boolean isAllowPlugins() {
    return allowPlugins;
  }
}
