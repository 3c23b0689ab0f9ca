package io.keelson.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The control plane's binaries plus those that make it run workloads: kube-controller-manager,
 * kube-scheduler and kwok. They come from {@code KUBEBUILDER_ASSETS} when it has them, else from the
 * project's cached build ({@code e2e/bin/control-plane --all}).
 */
public record ClusterBinaries(ControlPlaneBinaries controlPlane, Path controllerManager, Path scheduler, Path kwok,
    Path kwokStages) {

  public static ClusterBinaries locate() {
    return locate(System.getenv());
  }

  static ClusterBinaries locate(Map<String, String> env) {
    // One run of the script builds what KUBEBUILDER_ASSETS lacks and caches kwok's stages; the control
    // plane's own binaries are then found without running it again.
    Path cache = Path.of(ProjectTools.run("control-plane", "--all"));
    Map<String, String> withCache = new HashMap<>(env);
    withCache.putIfAbsent("KUBEBUILDER_ASSETS", cache.toString());
    ControlPlaneBinaries controlPlane = ControlPlaneBinaries.locate(withCache);
    String assets = env.get("KUBEBUILDER_ASSETS");
    Path directory = assets != null && !assets.isBlank() && Files.isExecutable(Path.of(assets, "kwok"))
        && Files.isExecutable(Path.of(assets, "kube-scheduler"))
        && Files.isExecutable(Path.of(assets, "kube-controller-manager"))
        ? Path.of(assets)
        : cache;
    return new ClusterBinaries(controlPlane, directory.resolve("kube-controller-manager"),
        directory.resolve("kube-scheduler"), directory.resolve("kwok"), cache.resolve("kwok-stages.yaml"));
  }
}
