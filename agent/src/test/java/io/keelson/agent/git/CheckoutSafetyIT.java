package io.keelson.agent.git;

import static io.keelson.agent.git.TestRepo.Entry.dir;
import static io.keelson.agent.git.TestRepo.Entry.file;
import static io.keelson.agent.git.TestRepo.Entry.symlink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keelson.agent.git.GitSourceException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A malicious tree served by a real Git server (smart HTTP) is refused as the agent fetches it: the error names
 * the entry, nothing is written outside the checkout, and the last good checkout stays as it was.
 */
class CheckoutSafetyIT {

  private static final String USER = "keelson";
  private static final String PASSWORD = "s3cret-Pa55word";

  @TempDir
  Path tmp;

  private GitServers servers;
  private TestRepo repo;
  private GitServers.Running http;
  private Path outside;

  @BeforeEach
  void start() throws IOException {
    servers = new GitServers(Files.createDirectories(tmp.resolve("served")));
    repo = TestRepo.create(servers.base(), "config");
    http = servers.http(USER, PASSWORD);
    outside = Files.createDirectories(tmp.resolve("outside"));
  }

  @AfterEach
  void stop() {
    repo.close();
    servers.close();
  }

  /** Each case: a name, a tree built by hand (given the repository and the directory outside), the error. */
  static Stream<Arguments> maliciousTrees() {
    return Stream.of(
        malicious("a symbolic link, then a path through it", (repo, outside) -> repo.tree(
            symlink("deploy", outside.toString()),
            dir("deploy", repo.tree(file("pwned.yaml", "kind: ConfigMap\n")))), "duplicate entry"),
        malicious("a '..' entry", (repo, outside) -> repo.tree(
            dir("..", repo.tree(file("pwned.yaml", "kind: ConfigMap\n"))),
            dir("deploy", repo.tree(file("app.yaml", "a: 1\n")))), "'..'"),
        malicious("a name with separators that climbs out", (repo, outside) -> repo.tree(
            file("deploy/../../pwned.yaml", "kind: ConfigMap\n")), "name contains '/'"),
        malicious("a '.git' directory", (repo, outside) -> repo.tree(
            dir(".git", repo.tree(file("config", "[core]\n\thooksPath = /tmp\n"))),
            dir("deploy", repo.tree(file("app.yaml", "a: 1\n")))), "'.git'"),
        malicious("'.GIT', which a case-insensitive file system takes for '.git'", (repo, outside) -> repo.tree(
            dir(".GIT", repo.tree(file("config", "[core]\n"))),
            dir("deploy", repo.tree(file("app.yaml", "a: 1\n")))), ".GIT"),
        malicious("two names that differ only in case", (repo, outside) -> repo.tree(
            symlink("Deploy", outside.toString()),
            dir("deploy", repo.tree(file("pwned.yaml", "kind: ConfigMap\n")))), "duplicate entry"));
  }

  private static Arguments malicious(String name, BiFunction<TestRepo, Path, ObjectId> tree, String error) {
    return Arguments.of(name, tree, error);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("maliciousTrees")
  void aMaliciousTreeIsRefusedAndNothingIsWrittenOutsideTheCheckout(String name,
      BiFunction<TestRepo, Path, ObjectId> tree, String error) throws IOException {
    repo.write("deploy/app.yaml", "a: 1\n");
    String good = repo.commit("good");
    GitSourceSettings settings = GitSourceSettings.of("config", http.url("config"), "main")
        .withAuth(new GitAuth.Basic(USER, PASSWORD)).withTimeout(Duration.ofSeconds(30));
    Path cache = tmp.resolve("cache");
    try (GitSource source = new GitSource(settings, cache)) {
      FetchResult last = source.fetch(null);
      String bad = repo.commitTree(tree.apply(repo, outside), name);

      assertThat(source.remoteHead()).isEqualTo(bad);
      GitSourceException failure = catchThrowableOfType(GitSourceException.class, () -> source.fetch(good));

      assertThat(failure).as(name + " was fetched").isNotNull();
      assertThat(failure.reason()).isEqualTo(Reason.CORRUPT);
      assertThat(failure.getMessage()).contains("config", error);
      assertThat(files(outside)).isEmpty();
      assertThat(cache.resolve("checkouts/pwned.yaml")).doesNotExist();
      assertThat(cache.resolve("pwned.yaml")).doesNotExist();
      assertThat(Files.readString(last.tree().resolve("deploy/app.yaml"))).isEqualTo("a: 1\n");
      assertThat(files(cache.resolve("checkouts"))).allMatch(path -> path.startsWith(last.tree()));
    }
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }
}
