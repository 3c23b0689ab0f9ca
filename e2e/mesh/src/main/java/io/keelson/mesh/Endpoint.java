package io.keelson.mesh;

/**
 * A ready pod that can answer, with the identity Istio's telemetry gives it.
 *
 * @param pod the pod's name
 * @param namespace the pod's namespace
 * @param workload the owning Deployment's name (the ReplicaSet owner without its pod-template hash), or the
 *     pod's own name when no ReplicaSet owns it
 * @param app the pod's {@code app} label, else {@code unknown}
 * @param version the pod's {@code version} label, else {@code unknown}
 * @param canonicalService Istio's canonical service: label {@code service.istio.io/canonical-name}, else
 *     {@code app.kubernetes.io/name}, else {@code app}, else the workload
 * @param canonicalRevision label {@code service.istio.io/canonical-revision}, else
 *     {@code app.kubernetes.io/version}, else {@code version}, else {@code latest}
 * @param behaviour how it answers
 */
public record Endpoint(String pod, String namespace, String workload, String app, String version,
    String canonicalService, String canonicalRevision, Behaviour behaviour) {}
