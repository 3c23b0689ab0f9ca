package io.keelson.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDataSize;
import io.dropwizard.validation.MinDuration;
import io.keelson.agent.charts.HttpChartSource;
import io.keelson.agent.render.RenderTools;
import java.util.Map;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * The render tools every source shares: the Kustomize and Helm binaries (the agent's image ships the pinned
 * ones; by default they are looked up on PATH), how long one build may run and how much it may print.
 */
public class RenderSettings {

  @JsonProperty
  @NotBlank
  private String kustomizeBinary = "kustomize";

  @JsonProperty
  @NotBlank
  private String helmBinary = "helm";

  @JsonProperty
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.SECONDS)
  private Duration timeout = Duration.seconds(RenderTools.DEFAULT_TIMEOUT.toSeconds());

  @JsonProperty
  @NotNull
  @MinDataSize(1)
  private DataSize maxOutputSize = DataSize.bytes(RenderTools.DEFAULT_MAX_OUTPUT_BYTES);

  /** The tools for a source, trusted as far as that source allows. */
  public RenderTools toTools(SourceRenderSettings source, Map<String, String> environment) {
    java.time.Duration buildTimeout = java.time.Duration.ofMillis(timeout.toMilliseconds());
    return RenderTools.defaults().withBinaries(kustomizeBinary, helmBinary)
        .withLimits(buildTimeout, maxOutputSize.toBytes())
        .withTrust(source.isAllowNetwork(), source.isAllowPlugins())
        .withChartRepositories(source.getChartRepositories().stream().map(r -> r.toRepository(environment)).toList(),
            new HttpChartSource(buildTimeout, maxOutputSize.toBytes()));
  }
}
