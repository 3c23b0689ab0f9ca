package io.keelson.agent.render;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole environment a render tool runs in. Nothing of the agent's leaks in (its credentials, its
 * kubeconfig): home, caches and plugin directories are an empty scratch directory. Without network
 * trust, every proxy points at a closed loopback port, so an HTTP fetch that a check missed still fails
 * fast; with it, PATH (for {@code git}) and the agent's proxy settings pass through.
 */
final class ToolEnvironment {

  /** Port 9 (discard) on loopback: nothing listens there, so a connection is refused at once. */
  static final String NOWHERE = "http://127.0.0.1:9";

  private static final List<String> PASSED_WITH_NETWORK = List.of("PATH", "HTTP_PROXY", "HTTPS_PROXY",
      "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR");

  private ToolEnvironment() {}

  /**
   * {@code binary} as the agent's PATH finds it. A tool runs with an empty PATH, so a binary that a tool runs in
   * turn (Kustomize runs Helm for {@code helmCharts}) must be named by its path: the configured default is the bare
   * name {@code helm}. A name with a directory, or one not found, is returned as given.
   */
  static String executable(String binary) {
    return executable(binary, System.getenv().getOrDefault("PATH", ""));
  }

  static String executable(String binary, String path) {
    if (binary.contains(File.separator)) {
      return binary;
    }
    for (String directory : path.split(File.pathSeparator)) {
      if (directory.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(directory, binary);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath().toString();
      }
    }
    return binary;
  }

  static Map<String, String> of(Path scratch, boolean allowNetwork) {
    Map<String, String> env = new HashMap<>();
    String home = scratch.resolve("home").toString();
    env.put("HOME", home);
    env.put("XDG_CONFIG_HOME", home + "/.config");
    env.put("XDG_CACHE_HOME", home + "/.cache");
    env.put("XDG_DATA_HOME", home + "/.local/share");
    env.put("KUSTOMIZE_PLUGIN_HOME", home + "/plugins");
    env.put("HELM_CONFIG_HOME", home + "/helm/config");
    env.put("HELM_CACHE_HOME", home + "/helm/cache");
    env.put("HELM_DATA_HOME", home + "/helm/data");
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("TMPDIR", scratch.toString());
    if (allowNetwork) {
      Map<String, String> agent = System.getenv();
      PASSED_WITH_NETWORK.stream().filter(agent::containsKey).forEach(name -> env.put(name, agent.get(name)));
    } else {
      for (String name : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY",
          "all_proxy")) {
        env.put(name, NOWHERE);
      }
      env.put("PATH", "");
    }
    return env;
  }
}
