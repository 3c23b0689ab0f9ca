package io.keelson.agent.render;

import java.util.Map;
import java.util.Optional;

/** Discovery as a small cluster would answer it. */
final class Kinds {

  static final KindScopes CLUSTER = Kinds::namespaced;

  private static final Map<String, Boolean> SERVED = Map.ofEntries(
      Map.entry("v1/ConfigMap", true),
      Map.entry("v1/Secret", true),
      Map.entry("v1/Service", true),
      Map.entry("v1/Namespace", false),
      Map.entry("apps/v1/Deployment", true),
      Map.entry("apps/v1beta2/Deployment", true),
      Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", false),
      Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", false),
      Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", true),
      Map.entry("apiextensions.k8s.io/v1/CustomResourceDefinition", false));

  private Kinds() {}

  private static Optional<Boolean> namespaced(String apiVersion, String kind) {
    return Optional.ofNullable(SERVED.get(apiVersion + "/" + kind));
  }
}
