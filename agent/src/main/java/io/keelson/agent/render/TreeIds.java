package io.keelson.agent.render;

import java.util.Map;
import java.util.Optional;

/**
 * The Git object ids of a checkout's files and directories (blob and tree ids, as the commit records
 * them), so that a render can be keyed on what it reads: a directory's tree id changes exactly when
 * something under it does. {@link #NONE} for a working directory that is no commit (nothing is cached).
 */
public final class TreeIds {

  public static final TreeIds NONE = new TreeIds(Map.of());

  private final Map<String, String> ids;

  private TreeIds(Map<String, String> ids) {
    this.ids = ids;
  }

  /**
   * @param rootId the commit's tree id
   * @param entries every file and directory below the root, by path relative to it with forward slashes
   */
  public static TreeIds of(String rootId, Map<String, String> entries) {
    Map<String, String> all = new java.util.HashMap<>(entries);
    all.put(".", rootId);
    return new TreeIds(Map.copyOf(all));
  }

  /** The id of {@code path} ({@code "."} or {@code ""} for the root), or empty when unknown. */
  public Optional<String> id(String path) {
    return Optional.ofNullable(ids.get(path.isEmpty() ? "." : path));
  }
}
