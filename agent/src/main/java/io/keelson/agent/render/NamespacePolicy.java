package io.keelson.agent.render;

import io.keelson.agent.model.RenderError;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Gives namespaced objects the default namespace and enforces the namespace and kind policy. Returns
 * the namespace the object will live in (null when cluster-scoped), or records why it may not exist.
 */
final class NamespacePolicy {

  private final String defaultNamespace;
  private final Set<String> allowedNamespaces;
  private final Set<String> deniedKinds;
  private final String allowedList;

  NamespacePolicy(RenderOptions options) {
    this.defaultNamespace = options.defaultNamespace();
    this.allowedNamespaces = options.allowedNamespaces();
    this.deniedKinds = options.deniedKinds();
    this.allowedList = String.join(", ", new TreeSet<>(allowedNamespaces));
  }

  /** Where an accepted object lives: its namespace after defaulting, or null when cluster-scoped. */
  record Placement(String namespace) {}

  /** The object's placement, or empty when an error was recorded. */
  Optional<Placement> place(ManifestObject object, Optional<Boolean> namespaced, List<RenderError> errors) {
    String groupKind = object.group().isEmpty() ? object.kind() : object.group() + "/" + object.kind();
    if (deniedKinds.contains(object.kind()) || deniedKinds.contains(groupKind)) {
      errors.add(new RenderError(object.origin(), "kind " + groupKind + " is denied by policy ("
          + object.describe() + ")"));
      return Optional.empty();
    }
    if (namespaced.isEmpty()) {
      errors.add(new RenderError(object.origin(), "unknown kind " + object.apiVersion() + "/" + object.kind()
          + ": not served by the API server and no CRD in this revision defines it"));
      return Optional.empty();
    }
    if (!namespaced.get()) {
      return clusterScoped(object, errors);
    }
    String namespace = object.namespace() == null ? defaultNamespace : object.namespace();
    if (!allowed(namespace)) {
      errors.add(new RenderError(object.origin(), "namespace " + namespace + " of " + object.describe()
          + " is not allowed; allowed namespaces: " + allowedList));
      return Optional.empty();
    }
    return Optional.of(new Placement(namespace));
  }

  private Optional<Placement> clusterScoped(ManifestObject object, List<RenderError> errors) {
    if (object.namespace() != null) {
      errors.add(new RenderError(object.origin(), object.kind() + " is cluster-scoped but "
          + object.describe() + " sets metadata.namespace"));
      return Optional.empty();
    }
    if (object.group().isEmpty() && object.kind().equals("Namespace") && !allowed(object.name())) {
      errors.add(new RenderError(object.origin(), "Namespace " + object.name()
          + " is not allowed; allowed namespaces: " + allowedList));
      return Optional.empty();
    }
    return Optional.of(new Placement(null));
  }

  private boolean allowed(String namespace) {
    return allowedNamespaces.isEmpty() || allowedNamespaces.contains(namespace);
  }
}
