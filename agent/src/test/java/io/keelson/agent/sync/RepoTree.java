package io.keelson.agent.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A directory of manifests standing in for a Git checkout at one revision. */
final class RepoTree {

  private final Path root;
  private int revision;

  RepoTree(Path root) {
    this.root = root;
  }

  RepoTree write(String file, String yaml) {
    try {
      Path path = root.resolve(file);
      Files.createDirectories(path.getParent());
      Files.writeString(path, yaml.stripIndent());
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  RepoTree delete(String file) {
    try {
      Files.deleteIfExists(root.resolve(file));
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  RepoTree clear() {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(root)).forEach(p -> p.toFile().delete());
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The tree as a new revision. */
  Snapshot snapshot() {
    revision++;
    return again();
  }

  /** The tree as the last revision again: a resync. */
  Snapshot again() {
    return new Snapshot(String.format("%040x", revision), root, java.util.List.of("."));
  }
}
