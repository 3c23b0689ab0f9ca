package io.keelson.mesh;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.List;
import java.util.Map;

/** What a pod is to the mesh: whether it may receive traffic, and the identity telemetry gives it. */
final class Workloads {

  private static final String POD_TEMPLATE_HASH = "pod-template-hash";

  private Workloads() {}

  /** Running, condition Ready=True and not terminating: an endpoint Kubernetes would list as ready. */
  static boolean ready(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null
        || !"Running".equals(pod.getStatus().getPhase()) || pod.getStatus().getConditions() == null) {
      return false;
    }
    for (PodCondition condition : pod.getStatus().getConditions()) {
      if ("Ready".equals(condition.getType())) {
        return "True".equals(condition.getStatus());
      }
    }
    return false;
  }

  static Endpoint endpoint(Pod pod) {
    String name = pod.getMetadata().getName();
    String namespace = pod.getMetadata().getNamespace();
    Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    String workload = workload(pod, labels);
    String app = labels.getOrDefault("app", "unknown");
    String version = labels.getOrDefault("version", "unknown");
    String canonicalService = first(labels, workload, "service.istio.io/canonical-name", "app.kubernetes.io/name",
        "app");
    String canonicalRevision = first(labels, "latest", "service.istio.io/canonical-revision",
        "app.kubernetes.io/version", "version");
    return new Endpoint(name, namespace, workload, app, version, canonicalService, canonicalRevision,
        Behaviour.of(namespace + "/" + name, pod.getMetadata().getAnnotations()));
  }

  /**
   * The Deployment behind a pod, as Istio names workloads: a ReplicaSet owner's name without its
   * {@code -<pod-template-hash>}, any other controller's name as is, the pod's name when nothing owns it.
   */
  static String workload(Pod pod, Map<String, String> labels) {
    OwnerReference owner = controller(pod);
    if (owner == null) {
      return pod.getMetadata().getName();
    }
    if (!"ReplicaSet".equals(owner.getKind())) {
      return owner.getName();
    }
    String hash = labels.get(POD_TEMPLATE_HASH);
    if (hash != null && owner.getName().endsWith("-" + hash)) {
      return owner.getName().substring(0, owner.getName().length() - hash.length() - 1);
    }
    int dash = owner.getName().lastIndexOf('-');
    return dash > 0 ? owner.getName().substring(0, dash) : owner.getName();
  }

  /** The managing owner: the one marked controller, else the only owner. */
  private static OwnerReference controller(Pod pod) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    if (owners == null || owners.isEmpty()) {
      return null;
    }
    return owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst()
        .orElse(owners.size() == 1 ? owners.get(0) : null);
  }

  private static String first(Map<String, String> labels, String fallback, String... keys) {
    for (String key : keys) {
      String value = labels.get(key);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return fallback;
  }
}
