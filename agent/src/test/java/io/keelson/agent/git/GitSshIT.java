package io.keelson.agent.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keelson.agent.git.GitSourceException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Git source over SSH against a real SSH server on 127.0.0.1: the configured private key is the only
 * identity, and the host key is checked strictly against the configured known_hosts.
 */
@Timeout(20)
class GitSshIT {

  @TempDir
  Path tmp;

  private GitServers servers;
  private TestRepo repo;
  private KeyPair clientKey;
  private GitServers.Ssh ssh;
  private Path keys;

  @BeforeEach
  void start() throws IOException {
    servers = new GitServers(Files.createDirectories(tmp.resolve("served")));
    repo = TestRepo.create(servers.base(), "config");
    clientKey = GitServers.newEcKeyPair();
    ssh = servers.ssh(clientKey.getPublic());
    keys = Files.createDirectories(tmp.resolve("keys"));
  }

  @AfterEach
  void stop() {
    repo.close();
    servers.close();
  }

  @Test
  void fetchesTheHeadAndItsTreeWithTheKeyAndAKnownHostKey() throws IOException {
    repo.write("deploy/app.yaml", "kind: ConfigMap\n").write("docs/README.md", "docs\n");
    String sha = repo.commit("Add the app");
    GitAuth.SshKey auth = new GitAuth.SshKey(privateKey("id_client", clientKey),
        knownHosts(ssh.knownHostsLine(ssh.hostKey())));

    try (GitSource source = source(auth)) {
      assertThat(source.remoteHead()).isEqualTo(sha);
      FetchResult result = source.fetch(null);

      assertThat(result.revision().sha()).isEqualTo(sha);
      assertThat(result.revision().message()).isEqualTo("Add the app");
      assertThat(result.pathsChanged()).isTrue();
      assertThat(Files.readString(result.tree().resolve("deploy/app.yaml"))).isEqualTo("kind: ConfigMap\n");
      assertThat(Files.readString(result.tree().resolve("docs/README.md"))).isEqualTo("docs\n");
      assertThat(result.tree().resolve(".git")).doesNotExist();
    }
  }

  @Test
  void aKeyTheServerDoesNotAcceptIsAnAuthFailure() throws IOException {
    repo.write("deploy/app.yaml", "a: 1\n");
    repo.commit("one");
    Path otherKey = privateKey("id_other", GitServers.newEcKeyPair());
    GitAuth.SshKey auth = new GitAuth.SshKey(otherKey, knownHosts(ssh.knownHostsLine(ssh.hostKey())));

    assertAuthFailure(auth, otherKey, "server refused");
  }

  @Test
  void aChangedHostKeyIsAnAuthFailure() throws IOException {
    repo.write("deploy/app.yaml", "a: 1\n");
    repo.commit("one");
    Path key = privateKey("id_client", clientKey);
    GitAuth.SshKey auth = new GitAuth.SshKey(key,
        knownHosts(ssh.knownHostsLine(GitServers.newEcKeyPair().getPublic())));

    assertAuthFailure(auth, key, "Server key did not validate");
  }

  @Test
  void anUnknownHostIsAnAuthFailure() throws IOException {
    repo.write("deploy/app.yaml", "a: 1\n");
    repo.commit("one");
    Path key = privateKey("id_client", clientKey);
    GitAuth.SshKey auth = new GitAuth.SshKey(key, knownHosts());

    assertAuthFailure(auth, key, "Server key did not validate");
  }

  /**
   * Both the ls-remote and the fetch fail with AUTH for the expected cause (the key was offered and refused, or
   * the host key was rejected), and no message shows the private key.
   */
  private void assertAuthFailure(GitAuth.SshKey auth, Path privateKey, String cause) throws IOException {
    List<String> secretLines = Files.readAllLines(privateKey).stream()
        .filter(line -> !line.isBlank() && !line.startsWith("-----"))
        .toList();
    assertThat(secretLines).isNotEmpty();
    try (GitSource source = source(auth)) {
      GitSourceException headFailure = catchThrowableOfType(GitSourceException.class, source::remoteHead);
      GitSourceException fetchFailure = catchThrowableOfType(GitSourceException.class, () -> source.fetch(null));

      for (GitSourceException failure : List.of(headFailure, fetchFailure)) {
        assertThat(failure).isNotNull();
        assertThat(failure.reason()).as(failure.getMessage()).isEqualTo(Reason.AUTH);
        assertThat(failure.getMessage()).contains(ssh.url("config")).contains(cause);
        for (String line : secretLines) {
          assertThat(failure.getMessage()).doesNotContain(line);
        }
      }
    }
  }

  private GitSource source(GitAuth.SshKey auth) {
    GitSourceSettings settings = GitSourceSettings.of("config", ssh.url("config"), "main")
        .withAuth(auth).withTimeout(Duration.ofSeconds(10));
    return new GitSource(settings, tmp.resolve("cache"));
  }

  /** Writes the key pair as an unencrypted OpenSSH private key file, readable only by its owner. */
  private Path privateKey(String name, KeyPair keyPair) throws IOException {
    Path file = keys.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(keyPair, "keelson-test",
          (OpenSSHKeyEncryptionContext) null, out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode the private key", e);
    }
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
    return file;
  }

  private Path knownHosts(String... lines) throws IOException {
    Path file = keys.resolve("known_hosts");
    Files.write(file, List.of(lines));
    return file;
  }
}
