package io.keelson.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * Leader election on Leases. Unsharded (the default), one Lease elects one leader that reconciles every source;
 * followers serve the leader's last status. Sharded, every source has a Lease of its own
 * ({@code <leaseName>-source-<source>}) and each replica holds at most its fair share of them, counting the live
 * replicas by their heartbeat Leases ({@code <leaseName>-replica-<identity>}).
 */
public class LeaderElectionSettings {

  @JsonProperty
  private boolean enabled = true;

  @JsonProperty
  private boolean sharded;

  @JsonProperty
  @NotBlank
  private String leaseName = "keelson-agent";

  @JsonProperty
  @NotNull
  private Duration leaseDuration = Duration.seconds(15);

  @JsonProperty
  @NotNull
  private Duration renewDeadline = Duration.seconds(10);

  @JsonProperty
  @NotNull
  private Duration retryPeriod = Duration.seconds(2);

  public boolean isEnabled() {
    return enabled;
  }

  public boolean isSharded() {
    return sharded;
  }

  public String getLeaseName() {
    return leaseName;
  }

  public Duration getLeaseDuration() {
    return leaseDuration;
  }

  public Duration getRenewDeadline() {
    return renewDeadline;
  }

  public Duration getRetryPeriod() {
    return retryPeriod;
  }

  @ValidationMethod(message = "leaderElection: sharded needs enabled: true")
  public boolean isShardingElected() {
    return enabled || !sharded;
  }

  @ValidationMethod(message = "leaderElection: need retryPeriod < renewDeadline < leaseDuration")
  public boolean isTimingCoherent() {
    return retryPeriod.toMilliseconds() < renewDeadline.toMilliseconds()
        && renewDeadline.toMilliseconds() < leaseDuration.toMilliseconds();
  }
}
