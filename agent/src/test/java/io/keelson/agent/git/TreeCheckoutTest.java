package io.keelson.agent.git;

import static io.keelson.agent.git.TestRepo.Entry.dir;
import static io.keelson.agent.git.TestRepo.Entry.file;
import static io.keelson.agent.git.TestRepo.Entry.symlink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkout's own guard, for objects that reached the cache unchecked (an older cache, or a check Git does
 * not make): every unsafe entry is refused by its path, and nothing lands outside the checkout.
 */
class TreeCheckoutTest {

  @TempDir
  Path tmp;

  private TestRepo repo;
  private Path checkout;
  private Path outside;

  @BeforeEach
  void create() throws IOException {
    repo = TestRepo.create(Files.createDirectories(tmp.resolve("served")), "config");
    checkout = Files.createDirectories(tmp.resolve("checkouts/one"));
    outside = Files.createDirectories(tmp.resolve("outside"));
  }

  @AfterEach
  void close() {
    repo.close();
  }

  @Test
  void aPathThroughASymbolicLinkIsRefusedBeforeItIsWritten() {
    ObjectId tree = repo.tree(symlink("deploy", outside.toString()),
        dir("deploy", repo.tree(file("pwned.yaml", "kind: ConfigMap\n"))));

    assertThatThrownBy(() -> write(tree)).isInstanceOf(TreeCheckout.UnsafeEntry.class)
        .hasMessage("tree entry 'deploy/pwned.yaml' goes through the symbolic link 'deploy'");
    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void dotDotDotGitAndSeparatorsInNamesAreRefusedByPath() {
    assertRefused(repo.tree(dir("..", repo.tree(file("pwned.yaml", "x\n")))), "../pwned.yaml");
    assertRefused(repo.tree(dir("deploy", repo.tree(dir(".Git", repo.tree(file("config", "x\n")))))),
        "deploy/.Git/config");
    assertRefused(repo.tree(file("a/../../pwned.yaml", "x\n")), "a/../../pwned.yaml");
    assertThat(tmp.resolve("pwned.yaml")).doesNotExist();
    assertThat(tmp.resolve("checkouts/pwned.yaml")).doesNotExist();
  }

  @Test
  void aNameTwiceIsRefusedRatherThanOverwritten() {
    ObjectId tree = repo.tree(file("app.yaml", "first\n"), file("app.yaml", "second\n"));

    assertThatThrownBy(() -> write(tree)).isInstanceOf(TreeCheckout.UnsafeEntry.class)
        .hasMessageContaining("'app.yaml' appears twice");
  }

  @Test
  void anOrdinaryTreeWithALinkInsideTheCheckoutIsWritten() throws IOException {
    ObjectId tree = repo.tree(dir("base", repo.tree(file("app.yaml", "a: 1\n"))), symlink("current", "base"));

    write(tree);

    assertThat(Files.readString(checkout.resolve("current/app.yaml"))).isEqualTo("a: 1\n");
  }

  private void assertRefused(ObjectId tree, String path) {
    assertThatThrownBy(() -> write(tree)).isInstanceOf(TreeCheckout.UnsafeEntry.class)
        .hasMessageStartingWith("tree entry '" + path + "'");
  }

  private void write(ObjectId tree) throws IOException {
    Repository repository = repo.repository();
    try (RevWalk walk = new RevWalk(repository)) {
      TreeCheckout.write(repository, walk.parseTree(tree), checkout, new java.util.HashMap<>());
    }
  }
}
