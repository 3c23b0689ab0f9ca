package io.keelson.agent.cli;

import io.keelson.agent.render.KindScopes;
import java.util.Optional;
import java.util.Set;

/**
 * Kind scopes without an API server, for validating a config repository in its own CI: Kubernetes' own
 * cluster-scoped kinds are known; every other kind is taken as namespaced unless a CRD in the revision
 * says otherwise (the renderer asks those CRDs only when this answers empty, so unknown custom kinds
 * answer empty and known groups answer true).
 */
final class OfflineKindScopes implements KindScopes {

  private static final Set<String> CLUSTER_SCOPED = Set.of(
      "v1/Namespace", "v1/Node", "v1/PersistentVolume", "v1/ComponentStatus",
      "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding",
      "apiextensions.k8s.io/CustomResourceDefinition", "storage.k8s.io/StorageClass", "storage.k8s.io/CSIDriver",
      "storage.k8s.io/CSINode", "storage.k8s.io/VolumeAttachment", "scheduling.k8s.io/PriorityClass",
      "networking.k8s.io/IngressClass", "apiregistration.k8s.io/APIService", "node.k8s.io/RuntimeClass",
      "admissionregistration.k8s.io/MutatingWebhookConfiguration",
      "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
      "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
      "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
      "certificates.k8s.io/CertificateSigningRequest", "flowcontrol.apiserver.k8s.io/FlowSchema",
      "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration");

  /** Groups whose kinds are all known here: Kubernetes' own, Istio networking and Keelson. */
  private static final Set<String> KNOWN_GROUPS = Set.of("", "apps", "batch", "autoscaling", "policy",
      "networking.istio.io", "keelson.io");

  @Override
  public Optional<Boolean> namespaced(String apiVersion, String kind) {
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String key = (group.isEmpty() ? "v1" : group) + "/" + kind;
    if (CLUSTER_SCOPED.contains(key)) {
      return Optional.of(false);
    }
    if (KNOWN_GROUPS.contains(group) || group.endsWith(".k8s.io")) {
      return Optional.of(true);
    }
    return Optional.empty();
  }
}
