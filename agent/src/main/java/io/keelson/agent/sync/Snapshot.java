package io.keelson.agent.sync;

import java.nio.file.Path;
import java.util.List;

/**
 * A source's desired state at one revision: a checked-out tree and the paths under it to render. The tree
 * of a revision does not change once it is checked out (a later revision gets a new checkout), so a render
 * of it can be reused.
 */
public record Snapshot(String revision, Path root, List<String> paths) {

  public Snapshot {
    paths = List.copyOf(paths);
  }
}
