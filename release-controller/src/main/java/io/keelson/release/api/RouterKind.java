package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which routing API carries a policy's traffic. */
public enum RouterKind {
  /** Istio's VirtualService and DestinationRule. */
  @JsonProperty("istio") ISTIO("istio"),
  /** The Kubernetes Gateway API's HTTPRoute: attached to the Service (mesh, GAMMA) and/or Gateways (ingress). */
  @JsonProperty("gateway-api") GATEWAY_API("gateway-api");

  private final String value;

  RouterKind(String value) {
    this.value = value;
  }

  /** The name as written in a policy and in the agent's configuration. */
  public String value() {
    return value;
  }

  /** The kind named {@code value}, as written in a policy or configuration. */
  public static RouterKind of(String value) {
    for (RouterKind kind : values()) {
      if (kind.value.equals(value)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown router '" + value + "': expected istio or gateway-api");
  }

  @Override
  public String toString() {
    return value;
  }
}
