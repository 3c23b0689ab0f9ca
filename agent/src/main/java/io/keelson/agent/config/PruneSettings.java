package io.keelson.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.keelson.agent.plan.PruneOptions;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;

/** A source's prune guards; see {@link PruneOptions}. */
public class PruneSettings {

  @JsonProperty
  private boolean enabled = true;

  @JsonProperty
  @DecimalMin("0.0")
  @DecimalMax("1.0")
  private double maxFraction = 0.5;

  @JsonProperty
  private boolean allowNamespaceDeletion;

  @JsonProperty
  private boolean allowCrdDeletion;

  @JsonProperty
  private boolean allowMassPrune;

  public PruneOptions toOptions() {
    return PruneOptions.defaults().withEnabled(enabled).withMaxFraction(maxFraction)
        .withAllowNamespaceDeletion(allowNamespaceDeletion).withAllowCrdDeletion(allowCrdDeletion)
        .withAllowMassPrune(allowMassPrune);
  }
}
