package io.keelson.agent.git;

import io.keelson.agent.render.TreeIds;
import io.keelson.agent.sync.Snapshot;
import java.nio.file.Path;
import java.util.List;

/**
 * A fetched and verified head.
 *
 * @param tree the checkout root; the configured paths are relative to it. It stays on disk until two later
 *     fetches have completed.
 * @param pathsChanged false when nothing under the configured paths differs from the last applied revision
 * @param ids the Git object id of every file and directory of the checkout, for the render cache
 */
public record FetchResult(Revision revision, Path tree, boolean pathsChanged, TreeIds ids) {

  /** The desired state at this revision, for the renderer. */
  public Snapshot snapshot(List<String> paths) {
    return new Snapshot(revision.sha(), tree, paths, ids);
  }
}
