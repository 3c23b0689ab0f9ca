package io.keelson.bench;

import io.keelson.testkit.GitCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A Git repository the benchmark commits to with the {@code git} CLI, served to the agent by git daemon. */
final class BenchRepo {

  /** The directory under the repository the agent renders. */
  static final String PATH = "apps";

  private final Path dir;

  private BenchRepo(Path dir) {
    this.dir = dir;
  }

  static BenchRepo create(Path dir) {
    BenchRepo repo = new BenchRepo(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    repo.git("init", "--quiet", "--initial-branch=main");
    repo.git("config", "user.name", "Keelson benchmark");
    repo.git("config", "user.email", "bench@keelson.invalid");
    return repo;
  }

  /** Writes files under {@link #PATH} and commits everything; returns the commit. */
  String commit(Map<String, String> files, String message) {
    write(dir.resolve(PATH), files);
    git("add", "--all");
    git("commit", "--quiet", "-m", message);
    return head();
  }

  String head() {
    return git("rev-parse", "HEAD").strip();
  }

  /** Writes {@code files} (relative path → content) under {@code root}. */
  static void write(Path root, Map<String, String> files) {
    try {
      for (Map.Entry<String, String> file : files.entrySet()) {
        Path path = root.resolve(file.getKey());
        Files.createDirectories(path.getParent());
        Files.writeString(path, file.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write files under " + root, e);
    }
  }

  private String git(String... args) {
    return GitCli.run(dir, args);
  }
}
