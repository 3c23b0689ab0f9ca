package io.keelson.agent.plan;

import io.keelson.agent.model.ObjectRef;
import java.util.Comparator;
import java.util.List;

/**
 * The fixed order objects are applied in (reversed for deletion): what others depend on first —
 * definitions, namespaces, policy and identity — then configuration, then workloads, then routing and
 * webhooks; custom resources last, as their controllers may need everything else.
 */
public final class KindOrder {

  private static final List<String> ORDER = List.of(
      "CustomResourceDefinition", "Namespace", "ClusterRole", "ClusterRoleBinding", "PriorityClass",
      "StorageClass", "ResourceQuota", "LimitRange", "PodDisruptionBudget", "ServiceAccount", "Secret",
      "ConfigMap", "PersistentVolume", "PersistentVolumeClaim", "Role", "RoleBinding", "Service",
      "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler",
      "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
      "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration");

  /** Kinds applied in the first stage, before anything else is even dry-run against them. */
  private static final List<String> CLUSTER_FOUNDATION = List.of(
      "CustomResourceDefinition", "Namespace", "ClusterRole", "ClusterRoleBinding");

  public static final Comparator<ObjectRef> APPLY = Comparator.<ObjectRef>comparingInt(KindOrder::rank)
      .thenComparing(Comparator.naturalOrder());

  public static final Comparator<ObjectRef> DELETE = APPLY.reversed();

  private KindOrder() {}

  /** The object's position in apply order; objects of equal rank may be applied in parallel. */
  public static int rank(ObjectRef ref) {
    if (!isBuiltIn(ref)) {
      return ORDER.size();
    }
    int index = ORDER.indexOf(ref.kind());
    return index < 0 ? ORDER.size() : index;
  }

  /** True for CRDs, Namespaces and cluster-scoped RBAC, which go in the first stage. */
  public static boolean isFoundation(ObjectRef ref) {
    return isBuiltIn(ref) && CLUSTER_FOUNDATION.contains(ref.kind());
  }

  public static boolean isCrd(ObjectRef ref) {
    return ref.group().equals("apiextensions.k8s.io") && ref.kind().equals("CustomResourceDefinition");
  }

  public static boolean isNamespace(ObjectRef ref) {
    return ref.group().isEmpty() && ref.kind().equals("Namespace");
  }

  /** Kubernetes' own groups: the core group and *.k8s.io, plus the historical unsuffixed ones. */
  private static boolean isBuiltIn(ObjectRef ref) {
    String group = ref.group();
    return group.isEmpty() || group.endsWith(".k8s.io") || List.of("apps", "batch", "autoscaling", "policy")
        .contains(group);
  }
}
