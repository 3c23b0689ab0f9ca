package io.keelson.agent.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keelson.agent.git.GitSourceException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The head commit's signature checked against the policy, with commits signed for real: OpenPGP by keys made
 * with Bouncy Castle, SSH by {@code git commit -S} with {@code gpg.format=ssh} and keys from {@code ssh-keygen}.
 * Served by {@code git daemon} on 127.0.0.1.
 */
class SignatureVerificationIT {

  private static OpenPgpTestKey trustedPgp;
  private static OpenPgpTestKey otherPgp;

  @TempDir
  Path tmp;

  private GitServers servers;
  private TestRepo repo;
  private GitServers.Running daemon;

  @BeforeAll
  static void keys() {
    trustedPgp = OpenPgpTestKey.generate("Ada Committer <ada@example.com>");
    otherPgp = OpenPgpTestKey.generate("Mallory <mallory@example.com>");
  }

  @BeforeEach
  void start() throws IOException {
    servers = new GitServers(Files.createDirectories(tmp.resolve("served")));
    repo = TestRepo.create(servers.base(), "config");
    daemon = servers.daemon();
    repo.write("deploy/app.yaml", "a: 1\n");
  }

  @AfterEach
  void stop() {
    repo.close();
    servers.close();
  }

  private GitSource source(SignaturePolicy policy) {
    GitSourceSettings settings = GitSourceSettings.of("config", daemon.url("config"), "main")
        .withVerification(policy).withTimeout(Duration.ofSeconds(10));
    return new GitSource(settings, tmp.resolve("cache"));
  }

  private SignaturePolicy.Gpg gpgPolicy(OpenPgpTestKey... keys) throws IOException {
    Path keyring = tmp.resolve("trusted.asc");
    Files.deleteIfExists(keyring);
    for (OpenPgpTestKey key : keys) {
      Path one = key.writePublicKeyring(tmp.resolve("one.asc"));
      Files.write(keyring, Files.readAllBytes(one), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    return new SignaturePolicy.Gpg(keyring);
  }

  @Test
  void aCommitSignedByATrustedOpenPgpKeyIsAccepted() throws IOException {
    String sha = repo.commit("signed", trustedPgp.signer());

    try (GitSource source = source(gpgPolicy(otherPgp, trustedPgp))) {
      FetchResult result = source.fetch(null);

      assertThat(result.revision().sha()).isEqualTo(sha);
      assertThat(Files.readString(result.tree().resolve("deploy/app.yaml"))).isEqualTo("a: 1\n");
    }
  }

  @Test
  void anUnsignedCommitIsRefusedAndNotCheckedOut() throws IOException {
    String sha = repo.commit("unsigned");

    try (GitSource source = source(gpgPolicy(trustedPgp))) {
      GitSourceException failure = catchThrowableOfType(GitSourceException.class, () -> source.fetch(null));

      assertThat(failure.reason()).isEqualTo(Reason.SIGNATURE);
      assertThat(failure.getMessage()).contains(sha).contains("not signed");
      assertThat(checkouts()).isEmpty();
    }
  }

  @Test
  void aCommitSignedByAnUntrustedOpenPgpKeyIsRefused() throws IOException {
    String sha = repo.commit("signed by someone else", otherPgp.signer());

    try (GitSource source = source(gpgPolicy(trustedPgp))) {
      GitSourceException failure = catchThrowableOfType(GitSourceException.class, () -> source.fetch(null));

      assertThat(failure.reason()).isEqualTo(Reason.SIGNATURE);
      assertThat(failure.getMessage()).contains(sha).contains(otherPgp.keyId()).contains("not in the trusted keyring");
    }
  }

  @Test
  void theLatestHeadIsVerifiedAfterASignedOne() throws IOException {
    String signed = repo.commit("signed", trustedPgp.signer());
    try (GitSource source = source(gpgPolicy(trustedPgp))) {
      assertThat(source.fetch(null).revision().sha()).isEqualTo(signed);
      repo.write("deploy/app.yaml", "a: 2\n");
      String unsigned = repo.commit("unsigned on top");

      GitSourceException failure = catchThrowableOfType(GitSourceException.class, () -> source.fetch(signed));

      assertThat(failure.reason()).isEqualTo(Reason.SIGNATURE);
      assertThat(failure.getMessage()).contains(unsigned);
      assertThat(checkouts()).hasSize(1);
    }
  }

  @Test
  void aCommitSignedByAnAllowedSshKeyIsAccepted() throws IOException {
    Path key = sshKey("ada");
    String sha = sshSignedCommit(key, "signed with ssh");

    try (GitSource source = source(sshPolicy("ada@example.com", key))) {
      assertThat(source.fetch(null).revision().sha()).isEqualTo(sha);
    }
  }

  @Test
  void anSshSignatureByAKeyNotAllowedIsRefused() throws IOException {
    Path allowed = sshKey("ada");
    Path other = sshKey("mallory");
    String sha = sshSignedCommit(other, "signed by another ssh key");

    try (GitSource source = source(sshPolicy("ada@example.com", allowed))) {
      GitSourceException failure = catchThrowableOfType(GitSourceException.class, () -> source.fetch(null));

      assertThat(failure.reason()).isEqualTo(Reason.SIGNATURE);
      assertThat(failure.getMessage()).contains(sha).contains("SSH signature");
    }
  }

  @Test
  void anSshKeyAllowedOnlyForOtherNamespacesIsRefused() throws IOException {
    Path key = sshKey("ada");
    String sha = sshSignedCommit(key, "signed by a key that may sign files only");

    try (GitSource source = source(sshPolicy("ada@example.com namespaces=\"file\"", key))) {
      GitSourceException failure = catchThrowableOfType(GitSourceException.class, () -> source.fetch(null));

      assertThat(failure.reason()).isEqualTo(Reason.SIGNATURE);
      assertThat(failure.getMessage()).contains(sha);
    }
  }

  @Test
  void anUnsignedCommitIsRefusedUnderTheSshPolicy() throws IOException {
    Path key = sshKey("ada");
    String sha = repo.commit("unsigned");

    try (GitSource source = source(sshPolicy("ada@example.com", key))) {
      GitSourceException failure = catchThrowableOfType(GitSourceException.class, () -> source.fetch(null));

      assertThat(failure.reason()).isEqualTo(Reason.SIGNATURE);
      assertThat(failure.getMessage()).contains(sha).contains("not signed");
    }
  }

  @Test
  void theSignatureFormatMustMatchThePolicy() throws IOException {
    Path key = sshKey("ada");
    sshSignedCommit(key, "ssh-signed");

    try (GitSource source = source(gpgPolicy(trustedPgp))) {
      GitSourceException failure = catchThrowableOfType(GitSourceException.class, () -> source.fetch(null));

      assertThat(failure.reason()).isEqualTo(Reason.SIGNATURE);
      assertThat(failure.getMessage()).contains("does not carry an OpenPGP signature");
    }
  }

  private String sshSignedCommit(Path privateKey, String message) {
    repo.cli("add", "-A");
    repo.cli("-c", "gpg.format=ssh", "-c", "user.signingkey=" + privateKey, "commit", "--quiet", "-S", "-m",
        message);
    repo.push("main", true);
    return repo.cli("rev-parse", "HEAD");
  }

  private SignaturePolicy.Ssh sshPolicy(String principal, Path privateKey) throws IOException {
    String publicKey = Files.readString(Path.of(privateKey + ".pub"), StandardCharsets.US_ASCII).trim();
    Path allowed = tmp.resolve("allowed_signers");
    Files.writeString(allowed, principal + " " + publicKey + "\n");
    return new SignaturePolicy.Ssh(allowed);
  }

  private Path sshKey(String name) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("keys"));
    Path key = dir.resolve(name);
    Process process = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f",
        key.toString()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("ssh-keygen failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return key;
  }

  private List<Path> checkouts() throws IOException {
    try (Stream<Path> entries = Files.list(tmp.resolve("cache").resolve("checkouts"))) {
      return entries.toList();
    }
  }
}
