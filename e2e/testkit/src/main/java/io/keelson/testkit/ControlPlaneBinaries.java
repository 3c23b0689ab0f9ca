package io.keelson.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where kube-apiserver, etcd and kubectl come from, following the envtest conventions: an explicit
 * {@code TEST_ASSET_*} variable wins, then {@code KUBEBUILDER_ASSETS}, then the project's own cached build
 * (made by {@code e2e/bin/control-plane} when missing).
 */
public record ControlPlaneBinaries(Path kubeApiServer, Path etcd, Path kubectl) {

  public static ControlPlaneBinaries locate() {
    return locate(System.getenv());
  }

  static ControlPlaneBinaries locate(Map<String, String> env) {
    Path assets = directoryFrom(env.get("KUBEBUILDER_ASSETS"));
    Path apiServer = explicit(env, "TEST_ASSET_KUBE_APISERVER");
    Path etcd = explicit(env, "TEST_ASSET_ETCD");
    Path kubectl = explicit(env, "TEST_ASSET_KUBECTL");
    if (assets == null && (apiServer == null || etcd == null || kubectl == null)) {
      assets = Path.of(ProjectTools.run("control-plane", "--test"));
    }
    return new ControlPlaneBinaries(
        apiServer != null ? apiServer : inDirectory(assets, "kube-apiserver"),
        etcd != null ? etcd : inDirectory(assets, "etcd"),
        kubectl != null ? kubectl : inDirectory(assets, "kubectl"));
  }

  private static Path explicit(Map<String, String> env, String variable) {
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      return null;
    }
    Path path = Path.of(value);
    if (!Files.isExecutable(path)) {
      throw new IllegalStateException(variable + "=" + value + " is not an executable file");
    }
    return path;
  }

  private static Path directoryFrom(String value) {
    return value == null || value.isBlank() ? null : Path.of(value);
  }

  private static Path inDirectory(Path directory, String name) {
    Path path = directory.resolve(name);
    if (!Files.isExecutable(path)) {
      throw new IllegalStateException("no executable " + name + " in " + directory
          + " (run e2e/bin/control-plane, or set KUBEBUILDER_ASSETS / TEST_ASSET_*)");
    }
    return path;
  }
}
