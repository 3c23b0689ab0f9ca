package io.keelson.agent.render;

import java.util.Objects;
import java.util.Set;

/**
 * Limits and policy for rendering a revision.
 *
 * @param defaultNamespace given to namespaced objects that declare none
 * @param allowedNamespaces namespaces objects may live in; empty allows all
 * @param deniedKinds kinds that may not be declared, as {@code Kind} (any group) or {@code group/Kind}
 * @param maxFileBytes largest manifest file accepted, checked before it is read
 * @param maxTotalBytes largest sum of manifest file sizes in a revision, checked before any is read
 * @param maxAliases most aliases to collections per YAML file (guards against alias bombs)
 * @param maxDocuments most YAML documents per file
 * @param tools the Kustomize and Helm binaries, their limits and trust
 */
public record RenderOptions(String defaultNamespace, Set<String> allowedNamespaces, Set<String> deniedKinds,
    long maxFileBytes, long maxTotalBytes, int maxAliases, int maxDocuments, RenderTools tools) {

  public static final long DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
  public static final long DEFAULT_MAX_TOTAL_BYTES = 64L * 1024 * 1024;
  public static final int DEFAULT_MAX_ALIASES = 50;
  public static final int DEFAULT_MAX_DOCUMENTS = 1000;

  public RenderOptions {
    Objects.requireNonNull(defaultNamespace, "defaultNamespace");
    if (defaultNamespace.isEmpty()) {
      throw new IllegalArgumentException("defaultNamespace must not be empty");
    }
    allowedNamespaces = Set.copyOf(allowedNamespaces);
    deniedKinds = Set.copyOf(deniedKinds);
    requirePositive(maxFileBytes, "maxFileBytes");
    requirePositive(maxTotalBytes, "maxTotalBytes");
    requirePositive(maxAliases, "maxAliases");
    requirePositive(maxDocuments, "maxDocuments");
    Objects.requireNonNull(tools, "tools");
    // SnakeYAML counts code points in an int; a larger per-file limit could not be enforced.
    if (maxFileBytes > Integer.MAX_VALUE - 1) {
      throw new IllegalArgumentException("maxFileBytes must be below 2 GiB");
    }
  }

  public static RenderOptions defaults(String defaultNamespace) {
    return new RenderOptions(defaultNamespace, Set.of(), Set.of(), DEFAULT_MAX_FILE_BYTES,
        DEFAULT_MAX_TOTAL_BYTES, DEFAULT_MAX_ALIASES, DEFAULT_MAX_DOCUMENTS, RenderTools.defaults());
  }

  public RenderOptions withDefaultNamespace(String namespace) {
    return new RenderOptions(namespace, allowedNamespaces, deniedKinds, maxFileBytes, maxTotalBytes,
        maxAliases, maxDocuments, tools);
  }

  public RenderOptions withAllowedNamespaces(Set<String> namespaces) {
    return new RenderOptions(defaultNamespace, namespaces, deniedKinds, maxFileBytes, maxTotalBytes,
        maxAliases, maxDocuments, tools);
  }

  public RenderOptions withDeniedKinds(Set<String> kinds) {
    return new RenderOptions(defaultNamespace, allowedNamespaces, kinds, maxFileBytes, maxTotalBytes,
        maxAliases, maxDocuments, tools);
  }

  public RenderOptions withMaxFileBytes(long bytes) {
    return new RenderOptions(defaultNamespace, allowedNamespaces, deniedKinds, bytes, maxTotalBytes,
        maxAliases, maxDocuments, tools);
  }

  public RenderOptions withMaxTotalBytes(long bytes) {
    return new RenderOptions(defaultNamespace, allowedNamespaces, deniedKinds, maxFileBytes, bytes,
        maxAliases, maxDocuments, tools);
  }

  public RenderOptions withMaxAliases(int aliases) {
    return new RenderOptions(defaultNamespace, allowedNamespaces, deniedKinds, maxFileBytes, maxTotalBytes,
        aliases, maxDocuments, tools);
  }

  public RenderOptions withMaxDocuments(int documents) {
    return new RenderOptions(defaultNamespace, allowedNamespaces, deniedKinds, maxFileBytes, maxTotalBytes,
        maxAliases, documents, tools);
  }

  public RenderOptions withTools(RenderTools value) {
    return new RenderOptions(defaultNamespace, allowedNamespaces, deniedKinds, maxFileBytes, maxTotalBytes,
        maxAliases, maxDocuments, value);
  }

  private static void requirePositive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
