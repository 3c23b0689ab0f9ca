package io.keelson.mesh;

/**
 * Who sent a request, as the source labels of Istio's telemetry name it.
 *
 * @param workload source_workload
 * @param namespace source_workload_namespace
 * @param app source_app
 */
record Caller(String workload, String namespace, String app) {

  /** A client outside the mesh, e.g. curl against the ingress without a gateway. */
  static final Caller UNKNOWN = new Caller("unknown", "unknown", "unknown");
  /** Istio's ingress gateway, for requests that name a gateway. */
  static final Caller INGRESS_GATEWAY = new Caller("istio-ingressgateway", "istio-system", "istio-ingressgateway");
}
