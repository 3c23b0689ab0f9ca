package io.keelson.agent.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.lib.Signer;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.URIish;

/**
 * A bare repository {@code <base>/<name>.git}, as a server serves it, and a working clone that commits with a
 * fixed author and pushes to it, force-pushing when asked.
 */
public final class TestRepo implements AutoCloseable {

  static final PersonIdent AUTHOR = new PersonIdent("Ada Committer", "ada@example.com",
      Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private final Path bare;
  private final Path work;
  private final Git git;
  private int commits;

  private TestRepo(Path bare, Path work, Git git) {
    this.bare = bare;
    this.work = work;
    this.git = git;
  }

  public static TestRepo create(Path base, String name) {
    Path bare = base.resolve(name + ".git");
    Path work = base.resolve("work").resolve(name);
    try {
      Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
      Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call();
      return new TestRepo(bare, work, git);
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The work clone's repository, where hand-built objects are written. */
  Repository repository() {
    return git.getRepository();
  }

  Path work() {
    return work;
  }

  public TestRepo write(String path, String content) {
    try {
      Path file = work.resolve(path);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public TestRepo delete(String path) {
    try {
      Files.delete(work.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Commits everything in the work tree and pushes it to {@code main}; returns the commit id. */
  public String commit(String message) {
    return commit(message, null);
  }

  /** Commits, signed by {@code signer} when it is not null, and pushes to {@code main}. */
  String commit(String message, Signer signer) {
    try {
      git.add().addFilepattern(".").call();
      git.add().setUpdate(true).addFilepattern(".").call();
      PersonIdent when = new PersonIdent(AUTHOR, AUTHOR.getWhenAsInstant().plusSeconds(60L * commits++));
      RevCommit commit = git.commit().setMessage(message).setAuthor(when).setCommitter(when)
          .setSign(signer != null).setSigner(signer).setSigningKey(signer == null ? null : "test")
          .setAllowEmpty(true).call();
      push("main", true);
      return commit.name();
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs the {@code git} CLI in the work tree with a fixed identity and no user or system configuration. */
  String cli(String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", work.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("HOME", work.getParent().toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    String date = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(60L * commits++).getEpochSecond() + " +0000";
    env.put("GIT_AUTHOR_NAME", AUTHOR.getName());
    env.put("GIT_AUTHOR_EMAIL", AUTHOR.getEmailAddress());
    env.put("GIT_AUTHOR_DATE", date);
    env.put("GIT_COMMITTER_NAME", AUTHOR.getName());
    env.put("GIT_COMMITTER_EMAIL", AUTHOR.getEmailAddress());
    env.put("GIT_COMMITTER_DATE", date);
    try {
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
      }
      return output.trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Commits {@code tree} as it is, on top of {@code main}, and pushes it: for trees that {@code git add} would
   * never build (see {@link #tree}).
   */
  String commitTree(ObjectId tree, String message) {
    try (ObjectInserter inserter = git.getRepository().newObjectInserter()) {
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(tree);
      ObjectId parent = git.getRepository().resolve("HEAD");
      if (parent != null) {
        commit.setParentId(parent);
      }
      PersonIdent when = new PersonIdent(AUTHOR, AUTHOR.getWhenAsInstant().plusSeconds(60L * commits++));
      commit.setAuthor(when);
      commit.setCommitter(when);
      commit.setMessage(message);
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      RefUpdate update = git.getRepository().updateRef("refs/heads/main");
      update.setNewObjectId(id);
      update.setForceUpdate(true);
      update.update();
      push("main", true);
      return id.name();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A tree object with exactly these entries, in this order: name, mode, and a blob's content or a tree's id. */
  ObjectId tree(Entry... entries) {
    try (ObjectInserter inserter = git.getRepository().newObjectInserter()) {
      TreeFormatter tree = new TreeFormatter();
      for (Entry entry : entries) {
        ObjectId id = entry.tree() != null ? entry.tree()
            : inserter.insert(Constants.OBJ_BLOB, entry.content().getBytes(StandardCharsets.UTF_8));
        tree.append(entry.name(), entry.mode(), id);
      }
      ObjectId id = inserter.insert(tree);
      inserter.flush();
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One entry of a hand-built tree. */
  record Entry(String name, FileMode mode, String content, ObjectId tree) {

    static Entry file(String name, String content) {
      return new Entry(name, FileMode.REGULAR_FILE, content, null);
    }

    static Entry symlink(String name, String target) {
      return new Entry(name, FileMode.SYMLINK, target, null);
    }

    static Entry dir(String name, ObjectId tree) {
      return new Entry(name, FileMode.TREE, null, tree);
    }
  }

  /** Moves {@code main} of the work clone to {@code sha} and force-pushes it. */
  public void forcePush(String sha) {
    try {
      git.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef(sha).call();
      push("main", true);
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Creates the tag {@code name} on the head and pushes it; annotated when {@code annotated}. */
  void tag(String name, boolean annotated) {
    try {
      git.tag().setName(name).setAnnotated(annotated).setMessage(annotated ? "release " + name : null)
          .setTagger(AUTHOR).setSigned(false).call();
      git.push().setRemote(new URIish(bare.toUri().toURL()).toString())
          .setRefSpecs(new RefSpec("refs/tags/" + name + ":refs/tags/" + name)).call();
    } catch (GitAPIException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  void push(String branch, boolean force) {
    try {
      git.push().setRemote(new URIish(bare.toUri().toURL()).toString())
          .setRefSpecs(new RefSpec((force ? "+" : "") + "HEAD:refs/heads/" + branch)).call();
    } catch (GitAPIException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    git.close();
  }
}
