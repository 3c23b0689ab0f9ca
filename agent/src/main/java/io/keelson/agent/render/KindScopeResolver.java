package io.keelson.agent.render;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a kind is namespaced: the API server's discovery first, then the
 * CustomResourceDefinitions of the revision itself, so a revision can add a CRD and its objects together.
 */
final class KindScopeResolver {

  private static final String CRD_API_VERSION = "apiextensions.k8s.io/v1";

  private final KindScopes discovery;
  private final Map<String, Boolean> fromCrds = new HashMap<>();

  KindScopeResolver(KindScopes discovery, List<ManifestObject> objects) {
    this.discovery = discovery;
    for (ManifestObject object : objects) {
      if (object.apiVersion().equals(CRD_API_VERSION) && object.kind().equals("CustomResourceDefinition")
          && object.content().get("spec") instanceof Map<?, ?> spec
          && spec.get("group") instanceof String group
          && spec.get("names") instanceof Map<?, ?> names && names.get("kind") instanceof String kind
          && spec.get("scope") instanceof String scope) {
        fromCrds.put(group + "/" + kind, scope.equals("Namespaced"));
      }
    }
  }

  Optional<Boolean> namespaced(ManifestObject object) {
    Optional<Boolean> served = discovery.namespaced(object.apiVersion(), object.kind());
    if (served.isPresent()) {
      return served;
    }
    return Optional.ofNullable(fromCrds.get(object.group() + "/" + object.kind()));
  }
}
