package io.keelson.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.keelson.release.api.RouterKind;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The release controller inside the agent: where Prometheus is, and how often every release is ticked at the least. */
public class ReleaseControllerSettings {

  @JsonProperty
  private boolean enabled = true;

  /** Prometheus' base URL; analysis queries its HTTP API. */
  @JsonProperty
  @NotBlank
  private String prometheusUrl = "http://prometheus.istio-system.svc:9090";

  @JsonProperty
  private SecretRef prometheusToken;

  /**
   * Every release is ticked at least this often: a safety net, as releases are ticked on every change of their
   * policy, Deployments, routes and Git render, and when their analysis or a deadline falls due.
   */
  @JsonProperty
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.SECONDS)
  private Duration resyncInterval = Duration.seconds(30);

  /**
   * The fixed poll of earlier versions, retired by event-driven ticks. Still read, so that a configuration written
   * for an earlier version starts; the agent warns that it has no effect.
   */
  @JsonProperty
  private Duration tickInterval;

  @JsonProperty
  @NotNull
  private Duration queryTimeout = Duration.seconds(10);

  /**
   * The routing API of a ReleasePolicy that names none ({@code spec.router}): {@code istio} (VirtualService) or
   * {@code gateway-api} (HTTPRoute).
   */
  @JsonProperty
  @NotNull
  @Pattern(regexp = "istio|gateway-api", message = "must be istio or gateway-api")
  private String router = RouterKind.ISTIO.value();

  public boolean isEnabled() {
    return enabled;
  }

  public String getPrometheusUrl() {
    return prometheusUrl;
  }

  public SecretRef getPrometheusToken() {
    return prometheusToken;
  }

  public Duration getResyncInterval() {
    return resyncInterval;
  }

  /** Why the configuration names a setting that no longer does anything, or empty when it names none. */
  public Optional<String> retiredSettingWarning() {
    return tickInterval == null ? Optional.empty() : Optional.of(
        "releaseController.tickInterval (" + tickInterval + ") has no effect and may be removed: releases are"
        + " ticked when their analysis falls due and on watch events, and every releaseController.resyncInterval ("
        + resyncInterval + ") at the least");
  }

  public Duration getQueryTimeout() {
    return queryTimeout;
  }

  public RouterKind getRouter() {
    return RouterKind.of(router);
  }
}
