package io.keelson.agent.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keelson.agent.git.GitSourceException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.storage.file.WindowCacheStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Git source against real servers on 127.0.0.1: smart HTTP with Basic authentication (JGit's servlet), Git's
 * own smart HTTP server ({@code git http-backend}, as the sandbox serves), and git daemon.
 */
class GitSourceIT {

  private static final String USER = "keelson";
  private static final String PASSWORD = "s3cret-Pa55word";

  enum Transport { HTTP, HTTP_BACKEND, DAEMON }

  @TempDir
  Path tmp;

  private GitServers servers;
  private TestRepo repo;
  private GitServers.Running http;
  private GitServers.Running daemon;
  private GitServers.Running backend;

  @BeforeEach
  void start() {
    servers = new GitServers(mkdirs(tmp.resolve("served")));
    repo = TestRepo.create(servers.base(), "config");
    http = servers.http(USER, PASSWORD);
    daemon = servers.daemon();
    backend = servers.httpBackend();
  }

  @AfterEach
  void stop() {
    repo.close();
    servers.close();
  }

  private GitSourceSettings settings(Transport transport, List<String> paths) {
    GitSourceSettings base = GitSourceSettings.of("config", server(transport).url("config"), "main")
        .withPaths(paths).withTimeout(Duration.ofSeconds(10));
    return transport == Transport.HTTP ? base.withAuth(new GitAuth.Basic(USER, PASSWORD)) : base;
  }

  private GitServers.Running server(Transport transport) {
    return switch (transport) {
      case HTTP -> http;
      case HTTP_BACKEND -> backend;
      case DAEMON -> daemon;
    };
  }

  private GitSource source(Transport transport, List<String> paths) {
    return new GitSource(settings(transport, paths), tmp.resolve("cache-" + transport));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void firstFetchReturnsTheHeadAndItsTree(Transport transport) throws IOException {
    repo.write("deploy/app.yaml", "kind: ConfigMap\n").write("docs/README.md", "docs\n");
    String sha = repo.commit("Add the app\n\nWith a body that is not part of the summary.");

    try (GitSource source = source(transport, List.of("deploy"))) {
      FetchResult result = source.fetch(null);

      assertThat(result.revision().sha()).isEqualTo(sha);
      assertThat(result.revision().message()).isEqualTo("Add the app");
      assertThat(result.revision().author()).isEqualTo("Ada Committer <ada@example.com>");
      assertThat(result.revision().time()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
      assertThat(result.pathsChanged()).isTrue();
      assertThat(Files.readString(result.tree().resolve("deploy/app.yaml"))).isEqualTo("kind: ConfigMap\n");
      assertThat(result.tree().resolve("docs/README.md")).exists();
      assertThat(result.tree().resolve(".git")).doesNotExist();
      assertThat(result.snapshot(List.of("deploy")).revision()).isEqualTo(sha);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anUnchangedRemoteHasTheSameHeadAndNothingChanged(Transport transport) {
    repo.write("deploy/app.yaml", "a: 1\n");
    String sha = repo.commit("one");

    try (GitSource source = source(transport, List.of("deploy"))) {
      FetchResult first = source.fetch(null);

      assertThat(source.remoteHead()).isEqualTo(sha).isEqualTo(first.revision().sha());
      FetchResult again = source.fetch(sha);
      assertThat(again.revision().sha()).isEqualTo(sha);
      assertThat(again.pathsChanged()).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aCommitOutsideThePathsChangesNothing(Transport transport) {
    repo.write("deploy/app.yaml", "a: 1\n").write("docs/README.md", "v1\n");
    String first = repo.commit("one");
    try (GitSource source = source(transport, List.of("./deploy/"))) {
      source.fetch(null);
      repo.write("docs/README.md", "v2\n");
      String second = repo.commit("docs only");

      assertThat(source.remoteHead()).isEqualTo(second);
      FetchResult result = source.fetch(first);

      assertThat(result.revision().sha()).isEqualTo(second);
      assertThat(result.pathsChanged()).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aCommitInsideThePathsIsAChange(Transport transport) throws IOException {
    repo.write("deploy/app.yaml", "a: 1\n").write("docs/README.md", "v1\n");
    String first = repo.commit("one");
    try (GitSource source = source(transport, List.of("deploy"))) {
      source.fetch(null);
      repo.write("deploy/app.yaml", "a: 2\n");
      String second = repo.commit("change the app");

      FetchResult result = source.fetch(first);

      assertThat(result.revision().sha()).isEqualTo(second);
      assertThat(result.pathsChanged()).isTrue();
      assertThat(Files.readString(result.tree().resolve("deploy/app.yaml"))).isEqualTo("a: 2\n");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aForcePushBackToAnOlderCommitIsFetchedAndCheckedOut(Transport transport) throws IOException {
    repo.write("deploy/app.yaml", "a: 1\n");
    String older = repo.commit("one");
    repo.write("deploy/app.yaml", "a: 2\n");
    String newer = repo.commit("two");
    try (GitSource source = source(transport, List.of("deploy"))) {
      assertThat(source.fetch(null).revision().sha()).isEqualTo(newer);

      repo.forcePush(older);

      assertThat(source.remoteHead()).isEqualTo(older);
      FetchResult result = source.fetch(newer);
      assertThat(result.revision().sha()).isEqualTo(older);
      assertThat(result.pathsChanged()).isTrue();
      assertThat(Files.readString(result.tree().resolve("deploy/app.yaml"))).isEqualTo("a: 1\n");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aForcePushToAnUnrelatedHistoryIsJustANewHead(Transport transport) throws IOException {
    repo.write("deploy/app.yaml", "a: 1\n");
    String old = repo.commit("one");
    try (GitSource source = source(transport, List.of("deploy"))) {
      source.fetch(null);
      repo.cli("checkout", "--quiet", "--orphan", "rewritten");
      repo.write("deploy/app.yaml", "rewritten: true\n");
      repo.cli("add", "-A");
      repo.cli("commit", "--quiet", "--no-gpg-sign", "-m", "rewritten history");
      String unrelated = repo.cli("rev-parse", "HEAD");
      repo.push("main", true);

      FetchResult result = source.fetch(old);

      assertThat(result.revision().sha()).isEqualTo(unrelated);
      assertThat(result.pathsChanged()).isTrue();
      assertThat(Files.readString(result.tree().resolve("deploy/app.yaml"))).isEqualTo("rewritten: true\n");
    }
  }

  @Test
  void aNewCacheTreatsTheLastAppliedCommitAsChanged() {
    repo.write("deploy/app.yaml", "a: 1\n");
    String first = repo.commit("one");
    repo.write("docs/README.md", "outside\n");
    repo.commit("two");

    try (GitSource source = source(Transport.HTTP, List.of("deploy"))) {
      assertThat(source.fetch(first).pathsChanged()).isTrue();
    }
  }

  /**
   * Between fetches a source holds none of its cache repository open: an open pack keeps its index (megabytes for
   * a repository of thousands of manifests) and its bytes in JGit's window cache until the next fetch.
   */
  @Test
  void aFetchLeavesNoPackOpen() {
    repo.write("deploy/app.yaml", "a: 1\n");
    repo.commit("one");

    try (GitSource source = source(Transport.DAEMON, List.of("deploy"))) {
      long openBefore = WindowCacheStats.getStats().getOpenFileCount();
      source.fetch(null);

      assertThat(WindowCacheStats.getStats().getOpenFileCount()).isEqualTo(openBefore);
    }
  }

  @Test
  void aFetchGivesTheGitIdsTheRenderCacheKeysOn() throws IOException {
    repo.write("base/app.yaml", "a: 1\n");
    repo.write("overlay/patch.yaml", "b: 1\n");
    repo.commit("one");
    repo.write("overlay/patch.yaml", "b: 2\n");
    repo.commit("two");

    try (GitSource source = source(Transport.HTTP, List.of("."))) {
      FetchResult one = source.fetch(null);
      String headTwo = source.remoteHead();
      assertThat(one.revision().sha()).isEqualTo(headTwo);
      repo.write("overlay/patch.yaml", "b: 3\n");
      repo.commit("three");
      FetchResult three = source.fetch(headTwo);

      assertThat(three.ids().id("base")).isPresent().isEqualTo(one.ids().id("base"));
      assertThat(three.ids().id("base/app.yaml")).isPresent().isEqualTo(one.ids().id("base/app.yaml"));
      assertThat(three.ids().id("overlay")).isPresent().isNotEqualTo(one.ids().id("overlay"));
      assertThat(three.ids().id("overlay/patch.yaml")).isNotEqualTo(one.ids().id("overlay/patch.yaml"));
      assertThat(three.ids().id(".")).isNotEqualTo(one.ids().id("."));
      assertThat(Files.readString(three.tree().resolve("overlay/patch.yaml"))).isEqualTo("b: 3\n");
    }
  }

  @Test
  void annotatedTagsArePeeledToTheirCommit() throws IOException {
    repo.write("deploy/app.yaml", "a: 1\n");
    String tagged = repo.commit("release");
    repo.tag("v1", true);
    repo.write("deploy/app.yaml", "a: 2\n");
    repo.commit("after the release");
    GitSourceSettings settings = GitSourceSettings.of("config", daemon.url("config"), "tag:v1");

    try (GitSource source = new GitSource(settings, tmp.resolve("cache-tag"))) {
      assertThat(source.remoteHead()).isEqualTo(tagged);
      FetchResult result = source.fetch(null);
      assertThat(result.revision().sha()).isEqualTo(tagged);
      assertThat(Files.readString(result.tree().resolve("deploy/app.yaml"))).isEqualTo("a: 1\n");
    }
  }

  @Test
  void aTokenIsSentAsThePasswordOfTheTokenUser() {
    repo.write("deploy/app.yaml", "a: 1\n");
    String sha = repo.commit("one");
    GitServers.Running tokenServer = servers.http(GitAuth.Token.USERNAME, "ghs_testtoken123");
    GitSourceSettings settings = GitSourceSettings.of("config", tokenServer.url("config"), "main")
        .withAuth(new GitAuth.Token("ghs_testtoken123"));

    try (GitSource source = new GitSource(settings, tmp.resolve("cache-token"))) {
      assertThat(source.remoteHead()).isEqualTo(sha);
      assertThat(source.fetch(null).revision().sha()).isEqualTo(sha);
    }
  }

  @Test
  void aWrongPasswordIsAnAuthFailureThatDoesNotShowThePassword() {
    repo.write("deploy/app.yaml", "a: 1\n");
    repo.commit("one");
    GitSourceSettings settings = settings(Transport.HTTP, List.of())
        .withAuth(new GitAuth.Basic(USER, "wrong-Pa55word"));

    try (GitSource source = new GitSource(settings, tmp.resolve("cache-wrong"))) {
      GitSourceException headFailure = catchThrowableOfType(GitSourceException.class, source::remoteHead);
      GitSourceException fetchFailure = catchThrowableOfType(GitSourceException.class, () -> source.fetch(null));

      for (GitSourceException failure : List.of(headFailure, fetchFailure)) {
        assertThat(failure.reason()).isEqualTo(Reason.AUTH);
        assertThat(failure.getMessage()).contains("config").doesNotContain("wrong-Pa55word");
      }
    }
  }

  @Test
  void aTokenWrittenIntoTheUrlNeverAppearsInAnError() {
    String token = "ghp_SENTINEL0123456789";
    repo.write("deploy/app.yaml", "a: 1\n");
    repo.commit("one");
    GitServers.Silent silent = servers.silent();
    List<String> urls = List.of(
        http.url("config").replace("http://", "http://" + token + "@"),
        silent.url("http", "config").replace("http://", "http://" + token + "@"),
        "http://" + token + "@127.0.0.1:" + GitServers.freePort() + "/config.git");

    for (String url : urls) {
      GitSourceSettings settings = GitSourceSettings.of("config", url, "main").withTimeout(Duration.ofSeconds(2));
      assertThat(settings.displayUrl()).doesNotContain(token).startsWith("http://***@127.0.0.1:");
      try (GitSource source = new GitSource(settings, tmp.resolve("cache-token-url"))) {
        for (var operation : GitOutageIT.operations()) {
          GitSourceException failure = GitOutageIT.failureWithin(source, operation, silent::close);
          assertThat(failure.getMessage()).as(url).contains("***@127.0.0.1:").doesNotContain(token);
        }
      }
    }
  }

  @Test
  void noCredentialsIsAnAuthFailure() {
    repo.write("deploy/app.yaml", "a: 1\n");
    repo.commit("one");
    GitSourceSettings settings = settings(Transport.HTTP, List.of()).withAuth(GitAuth.none());

    try (GitSource source = new GitSource(settings, tmp.resolve("cache-anonymous"))) {
      assertThatThrownBy(source::remoteHead).isInstanceOfSatisfying(GitSourceException.class,
          e -> assertThat(e.reason()).isEqualTo(Reason.AUTH));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aStoppedServerIsUnreachableAndTheLastTreeStays(Transport transport) throws IOException {
    repo.write("deploy/app.yaml", "a: 1\n");
    repo.commit("one");
    try (GitSource source = source(transport, List.of("deploy"))) {
      FetchResult last = source.fetch(null);
      server(transport).close();

      for (var operation : GitOutageIT.operations()) {
        GitSourceException failure = GitOutageIT.failureWithin(source, operation, () -> { });
        assertThat(failure.reason()).isEqualTo(Reason.UNREACHABLE);
      }
      assertThat(Files.readString(last.tree().resolve("deploy/app.yaml"))).isEqualTo("a: 1\n");
      assertThat(checkouts(transport)).containsExactly(last.tree());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anUnknownBranchIsNotFound(Transport transport) {
    repo.write("deploy/app.yaml", "a: 1\n");
    repo.commit("one");
    GitSourceSettings base = settings(transport, List.of());
    GitSourceSettings settings = new GitSourceSettings(base.name(), base.url(), "no-such-branch", base.paths(),
        base.auth(), base.verification(), base.timeout());

    try (GitSource source = new GitSource(settings, tmp.resolve("cache-missing"))) {
      GitSourceException headFailure = catchThrowableOfType(GitSourceException.class, source::remoteHead);
      GitSourceException fetchFailure = catchThrowableOfType(GitSourceException.class, () -> source.fetch(null));

      assertThat(headFailure.reason()).isEqualTo(Reason.NOT_FOUND);
      assertThat(headFailure.getMessage()).contains("refs/heads/no-such-branch");
      assertThat(fetchFailure.reason()).isEqualTo(Reason.NOT_FOUND);
    }
  }

  @Test
  void anUnknownRepositoryIsNotFound() {
    GitSourceSettings settings = GitSourceSettings.of("config", http.url("nothing-here"), "main")
        .withAuth(new GitAuth.Basic(USER, PASSWORD));

    try (GitSource source = new GitSource(settings, tmp.resolve("cache-norepo"))) {
      assertThatThrownBy(source::remoteHead).isInstanceOfSatisfying(GitSourceException.class,
          e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }
  }

  @Test
  void onlyTheTwoNewestCheckoutsAreKept() throws IOException {
    repo.write("deploy/app.yaml", "a: 0\n");
    repo.commit("zero");
    try (GitSource source = source(Transport.DAEMON, List.of())) {
      FetchResult previous = null;
      FetchResult latest = source.fetch(null);
      for (int i = 1; i <= 3; i++) {
        repo.write("deploy/app.yaml", "a: " + i + "\n");
        repo.commit("commit " + i);
        previous = latest;
        latest = source.fetch(previous.revision().sha());
      }

      assertThat(checkouts(Transport.DAEMON)).containsExactly(previous.tree(), latest.tree());
      assertThat(Files.readString(latest.tree().resolve("deploy/app.yaml"))).isEqualTo("a: 3\n");
    }
  }

  private List<Path> checkouts(Transport transport) throws IOException {
    try (Stream<Path> entries = Files.list(tmp.resolve("cache-" + transport).resolve("checkouts"))) {
      return entries.sorted().toList();
    }
  }

  private static Path mkdirs(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
