package io.keelson.agent.sync;

import java.nio.file.Path;
import java.util.List;

/** A source's desired state at one revision: a checked-out tree and the paths under it to render. */
public record Snapshot(String revision, Path root, List<String> paths) {

  public Snapshot {
    paths = List.copyOf(paths);
  }
}
