package io.keelson.agent.render;

import io.keelson.testkit.ProjectTools;

/** The project's pinned Kustomize and Helm, built from their Go modules on first use (e2e/bin). */
final class PinnedTools {

  private static String kustomize;
  private static String helm;

  private PinnedTools() {}

  static synchronized String kustomize() {
    if (kustomize == null) {
      kustomize = ProjectTools.run("kustomize");
    }
    return kustomize;
  }

  static synchronized String helm() {
    if (helm == null) {
      helm = ProjectTools.run("helm");
    }
    return helm;
  }

  /** Kustomize only; a Helm that is never run. */
  static RenderTools kustomizeOnly() {
    return RenderTools.defaults().withBinaries(kustomize(), "/nonexistent/helm");
  }

  static RenderTools both() {
    return RenderTools.defaults().withBinaries(kustomize(), helm());
  }
}
