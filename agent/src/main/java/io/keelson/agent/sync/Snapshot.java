package io.keelson.agent.sync;

import io.keelson.agent.render.TreeIds;
import java.nio.file.Path;
import java.util.List;

/**
 * A source's desired state at one revision: a checked-out tree and the paths under it to render. The tree
 * of a revision does not change once it is checked out (a later revision gets a new checkout), so a render
 * of it can be reused; {@code ids} are the Git ids of its files and directories, on which the renderer
 * keys the parts it may reuse from an earlier revision.
 */
public record Snapshot(String revision, Path root, List<String> paths, TreeIds ids) {

  public Snapshot {
    paths = List.copyOf(paths);
  }

  /** A tree without Git ids: rendered in full. */
  public Snapshot(String revision, Path root, List<String> paths) {
    this(revision, root, paths, TreeIds.NONE);
  }
}
