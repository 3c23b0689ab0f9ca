package io.keelson.sandbox.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import io.keelson.testkit.ProjectTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's image tarball (Jib's OCI layout, {@code agent/target/keelson-agent-image.tar}) unpacked: its layers
 * applied in order into a root file system, and what its configuration says to run (entrypoint, environment,
 * user).
 */
record ImageRootfs(Path root, List<String> entrypoint, Map<String, String> environment, String user,
    Map<String, String> labels) {

  static final String TARBALL = "agent/target/keelson-agent-image.tar";

  /** The image built by the agent's {@code image} profile; fails with how to build it when it is missing. */
  static Path tarball() {
    Path tarball = ProjectTools.projectRoot().resolve(TARBALL);
    if (!Files.isRegularFile(tarball)) {
      throw new IllegalStateException("no agent image at " + tarball + "; e2e/bin/test builds it, or run"
          + " ./mvnw -pl agent -am -Pimage -DskipTests package -Djib.from.image=tar://$(e2e/bin/base-image)");
    }
    return tarball;
  }

  /** Unpacks the image into {@code dir} (once: a later call reuses it). */
  static ImageRootfs unpack(Path dir) {
    try {
      Path layout = dir.resolve("layout");
      Path root = dir.resolve("rootfs");
      if (!Files.isDirectory(root)) {
        Files.createDirectories(layout);
        ImageAgent.run(List.of("tar", "-xf", tarball().toString(), "-C", layout.toString()),
            dir.resolve("unpack.log"));
        Path staging = Files.createDirectories(dir.resolve("rootfs.partial"));
        for (JsonNode layer : manifest(layout).path("layers")) {
          ImageAgent.run(List.of("tar", "-xzf", blob(layout, layer).toString(), "--same-owner", "-C",
              staging.toString()), dir.resolve("unpack.log"));
        }
        Files.move(staging, root);
      }
      JsonNode config = ImageAgent.json(blob(layout, manifest(layout).path("config"))).path("config");
      List<String> entrypoint = new ArrayList<>();
      config.path("Entrypoint").forEach(part -> entrypoint.add(part.asText()));
      Map<String, String> environment = new LinkedHashMap<>();
      for (JsonNode variable : config.path("Env")) {
        String[] pair = variable.asText().split("=", 2);
        environment.put(pair[0], pair[1]);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      config.path("Labels").properties().forEach(label -> labels.put(label.getKey(), label.getValue().asText()));
      return new ImageRootfs(root, List.copyOf(entrypoint), environment, config.path("User").asText("0:0"), labels);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the agent image into " + dir, e);
    }
  }

  /** The image's manifest: the layout's index names it. */
  private static JsonNode manifest(Path layout) {
    return ImageAgent.json(blob(layout, ImageAgent.json(layout.resolve("index.json")).path("manifests").get(0)));
  }

  private static Path blob(Path layout, JsonNode descriptor) {
    String[] digest = descriptor.path("digest").asText().split(":", 2);
    return layout.resolve("blobs").resolve(digest[0]).resolve(digest[1]);
  }

  /**
   * {@code path} inside the root file system, its symbolic links followed as the image sees them (Debian's
   * /var/run is an absolute link to /run, which must not lead out of the root).
   */
  Path resolve(String path) {
    Path current = root;
    for (Path part : Path.of(path)) {
      Path next = current.resolve(part);
      for (int hops = 0; Files.isSymbolicLink(next) && hops < 16; hops++) {
        try {
          Path target = Files.readSymbolicLink(next);
          next = target.isAbsolute() ? root.resolve(root.getRoot().relativize(target)) : next.resolveSibling(target);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      current = next.normalize();
    }
    if (!current.startsWith(root) || Files.isSymbolicLink(current)) {
      throw new IllegalStateException(path + " leads out of the image's root file system");
    }
    return current;
  }
}
