package io.keelson.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * e2e/bin/control-plane skips the Go build when binaries are cached or provided the envtest way, and says
 * clearly what is missing otherwise. Each case runs with a PATH that has no Go toolchain, so a build
 * attempt could not succeed silently.
 */
class ControlPlaneScriptTest {

  /** What the script needs besides a Go toolchain; the tests' PATH holds these alone. */
  private static final List<String> TOOLS = List.of("bash", "sed", "head", "mktemp", "mv", "mkdir", "rm", "date",
      "dirname");

  @TempDir Path temp;

  @Test
  void cachedBinariesAreUsedWithoutBuilding() throws Exception {
    Path cache = temp.resolve("cache");
    Result first = run(Map.of("XDG_CACHE_HOME", cache.toString()));
    // Without binaries and without Go, the script fails and names both.
    assertThat(first.exitCode()).isEqualTo(1);
    assertThat(first.lastLine()).isEmpty();
    assertThat(first.stderr()).contains("no Go toolchain").contains("kube-apiserver etcd kubectl");

    Path cacheDir = keyDirectory(cache);
    for (String binary : List.of("kube-apiserver", "etcd", "kubectl")) {
      executable(cacheDir.resolve(binary));
    }
    Result cached = run(Map.of("XDG_CACHE_HOME", cache.toString()));

    assertThat(cached.exitCode()).isZero();
    assertThat(cached.lastLine()).isEqualTo(cacheDir.toString());
    assertThat(cached.stderr()).contains("kube-apiserver cached").doesNotContain("building");
  }

  @Test
  void envtestAssetsSkipTheBuild() throws Exception {
    Path assets = temp.resolve("assets");
    for (String binary : List.of("kube-apiserver", "etcd", "kubectl")) {
      executable(assets.resolve(binary));
    }
    Result result = run(Map.of("XDG_CACHE_HOME", temp.resolve("empty").toString(),
        "KUBEBUILDER_ASSETS", assets.toString()));

    assertThat(result.exitCode()).isZero();
    assertThat(result.stderr()).contains("kube-apiserver provided by the envtest environment")
        .doesNotContain("building");
  }

  @Test
  void individualTestAssetVariablesSkipTheBuild() throws Exception {
    Path apiServer = executable(temp.resolve("bin/my-apiserver"));
    Path etcd = executable(temp.resolve("bin/my-etcd"));
    Path kubectl = executable(temp.resolve("bin/my-kubectl"));
    Result result = run(Map.of("XDG_CACHE_HOME", temp.resolve("empty").toString(),
        "TEST_ASSET_KUBE_APISERVER", apiServer.toString(),
        "TEST_ASSET_ETCD", etcd.toString(),
        "TEST_ASSET_KUBECTL", kubectl.toString()));

    assertThat(result.exitCode()).isZero();
    assertThat(result.stderr()).contains("etcd provided by the envtest environment").doesNotContain("building");
  }

  /** The per-version cache directory, keyed by the versions pinned in the wrapper module. */
  private static Path keyDirectory(Path cache) throws IOException {
    String goMod = Files.readString(ProjectTools.projectRoot().resolve("e2e/controlplane/go.mod"));
    String key = "kubernetes-" + version(goMod, "k8s.io/kubernetes") + "-etcd-" + version(goMod, "go.etcd.io/etcd/server/v3")
        + "-kwok-" + version(goMod, "sigs.k8s.io/kwok");
    return cache.resolve("keelson/k8s").resolve(key);
  }

  private static String version(String goMod, String module) {
    return goMod.lines().map(String::strip).filter(line -> line.startsWith(module + " v"))
        .map(line -> line.split("\\s+")[1]).findFirst().orElseThrow();
  }

  private static Path executable(Path path) throws IOException {
    Files.createDirectories(path.getParent());
    Files.writeString(path, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    return path;
  }

  private Result run(Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(
        ProjectTools.projectRoot().resolve("e2e/bin/control-plane").toString(), "--test");
    builder.environment().keySet().removeIf(key -> key.startsWith("TEST_ASSET_") || key.equals("KUBEBUILDER_ASSETS"));
    builder.environment().put("PATH", pathWithoutGo().toString());
    builder.environment().put("HOME", temp.toString());
    builder.environment().putAll(env);
    Path err = temp.resolve("stderr-" + System.nanoTime());
    Process process = builder.redirectError(err.toFile()).start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String lastLine = stdout.isEmpty() ? "" : stdout.lines().reduce((a, b) -> b).orElseThrow();
    return new Result(process.exitValue(), lastLine, Files.readString(err));
  }

  /** A directory with links to the few tools the script uses, so no Go toolchain can be found on PATH. */
  private Path pathWithoutGo() throws IOException {
    Path bin = temp.resolve("path-without-go");
    if (Files.isDirectory(bin)) {
      return bin;
    }
    Files.createDirectories(bin);
    for (String tool : TOOLS) {
      Path found = java.util.stream.Stream.of("/usr/bin", "/bin").map(dir -> Path.of(dir, tool))
          .filter(Files::isExecutable).findFirst()
          .orElseThrow(() -> new IllegalStateException(tool + " is not in /usr/bin or /bin"));
      Files.createSymbolicLink(bin.resolve(tool), found);
    }
    return bin;
  }

  private record Result(int exitCode, String lastLine, String stderr) {}
}
