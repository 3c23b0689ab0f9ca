package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The Service fronting the governed Deployment, and what the release controller's VirtualService carries.
 *
 * @param name the Service, in the policy's namespace, that selects the Deployment's pods
 * @param host the mesh host routed; absent = {@code <name>.<namespace>.svc.cluster.local}
 * @param port the Service port traffic is routed to
 * @param gateways Istio gateways the VirtualService binds to; absent = the mesh only
 * @param hosts extra hosts the VirtualService answers for, besides {@link #host}
 * @param retries retry policy passed through to every HTTP route
 * @param timeout request timeout passed through to every HTTP route, e.g. "10s"
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceSpec(String name, String host, Integer port, List<String> gateways, List<String> hosts,
    Retries retries, String timeout) {

  /** The mesh host of this Service for a policy in {@code namespace}: {@link #host} or the cluster-local FQDN. */
  public String hostIn(String namespace) {
    return host != null && !host.isEmpty() ? host : name + "." + namespace + ".svc.cluster.local";
  }

  /**
   * Istio's HTTP retry policy.
   *
   * @param attempts how many retries per request
   * @param perTryTimeout timeout of each try, e.g. "2s"
   * @param retryOn Envoy retry conditions, e.g. "5xx,reset"
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Retries(Integer attempts, String perTryTimeout, String retryOn) {}
}
