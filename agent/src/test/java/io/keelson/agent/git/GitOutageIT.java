package io.keelson.agent.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.git.GitSourceException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Git down, on every transport: a server that accepts the connection and then never answers, and a server that
 * is stopped. Every operation ends within the configured timeout with a reason; the test waits for the outcome
 * with a deadline of the timeout plus a generous margin, never measuring how long it took.
 */
class GitOutageIT {

  static final Duration TIMEOUT = Duration.ofSeconds(2);
  /** Slack for a loaded machine: an operation that hangs never ends at all, so any finite margin tells. */
  private static final Duration MARGIN = Duration.ofSeconds(30);

  enum Transport { HTTP, HTTPS, GIT, SSH }

  @TempDir
  Path tmp;

  private GitServers servers;

  @BeforeEach
  void start() throws IOException {
    servers = new GitServers(Files.createDirectories(tmp.resolve("served")));
  }

  @AfterEach
  void stop() {
    servers.close();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aServerThatAcceptsAndNeverAnswersTimesOutEveryOperation(Transport transport) throws IOException {
    GitServers.Silent silent = servers.silent();
    GitSourceSettings settings = settings(silent.url(scheme(transport), "config"), transport);

    try (GitSource source = new GitSource(settings, tmp.resolve("cache"))) {
      for (Function<GitSource, Object> operation : operations()) {
        GitSourceException failure = failureWithin(source, operation, silent::close);
        assertThat(failure.reason()).as(failure.getMessage()).isEqualTo(Reason.TIMEOUT);
        assertThat(failure.getMessage()).contains("config", "2s");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aStoppedServerIsUnreachableForEveryOperation(Transport transport) throws IOException {
    String url = scheme(transport) + "://127.0.0.1:" + GitServers.freePort() + "/config.git";

    try (GitSource source = new GitSource(settings(url, transport), tmp.resolve("cache"))) {
      for (Function<GitSource, Object> operation : operations()) {
        GitSourceException failure = failureWithin(source, operation, () -> { });
        assertThat(failure.reason()).as(failure.getMessage()).isEqualTo(Reason.UNREACHABLE);
        assertThat(failure.getMessage()).contains("config", "127.0.0.1");
      }
    }
  }

  @org.junit.jupiter.api.Test
  void aLocalRepositoryThatIsGoneIsNotFoundForEveryOperation() {
    String url = tmp.resolve("served/gone.git").toUri().toString();

    try (GitSource source = new GitSource(GitSourceSettings.of("config", url, "main").withTimeout(TIMEOUT),
        tmp.resolve("cache"))) {
      for (Function<GitSource, Object> operation : operations()) {
        GitSourceException failure = failureWithin(source, operation, () -> { });
        assertThat(failure.reason()).as(failure.getMessage()).isEqualTo(Reason.NOT_FOUND);
      }
    }
  }

  static List<Function<GitSource, Object>> operations() {
    return List.of(GitSource::remoteHead, source -> source.fetch(null));
  }

  /**
   * The failure of {@code operation}, which must end within the timeout plus the margin. Should it hang, the
   * server is stopped so that the stuck call (which holds the source) ends and the test can clean up.
   */
  static GitSourceException failureWithin(GitSource source, Function<GitSource, Object> operation,
      Runnable stopServer) {
    CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> operation.apply(source));
    long start = System.nanoTime();
    try {
      Object result = call.get(TIMEOUT.plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure, got " + result);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(GitSourceException.class);
      // Reported for the record, never asserted: the deadline above is the test.
      System.out.printf("%s ended after %d ms: %s%n", source.settings().url(),
          Duration.ofNanos(System.nanoTime() - start).toMillis(), e.getCause().getMessage());
      return (GitSourceException) e.getCause();
    } catch (TimeoutException e) {
      stopServer.run();
      throw new AssertionError("the Git operation did not end within " + TIMEOUT.plus(MARGIN).toSeconds() + "s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String scheme(Transport transport) {
    return transport.name().toLowerCase(java.util.Locale.ROOT);
  }

  private GitSourceSettings settings(String url, Transport transport) throws IOException {
    GitSourceSettings settings = GitSourceSettings.of("config", url, "main").withTimeout(TIMEOUT);
    if (transport != Transport.SSH) {
      return settings;
    }
    Path keys = Files.createDirectories(tmp.resolve("keys"));
    Path key = keys.resolve("id_client");
    try (OutputStream out = Files.newOutputStream(key)) {
      KeyPair pair = GitServers.newEcKeyPair();
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "keelson-test",
          (OpenSSHKeyEncryptionContext) null, out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    Path knownHosts = Files.writeString(keys.resolve("known_hosts"), "");
    return settings.withAuth(new GitAuth.SshKey(key, knownHosts));
  }
}
