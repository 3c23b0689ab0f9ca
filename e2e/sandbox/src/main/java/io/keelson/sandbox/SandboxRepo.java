package io.keelson.sandbox;

import io.keelson.testkit.GitCli;
import io.keelson.testkit.SopsCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The sandbox's config repository: a plain Git working repository, seeded once from the project's
 * {@code manifests/} and {@code policies/}, that a person (or a scenario) edits and commits to with the
 * {@code git} CLI. It survives sandbox restarts, so commits are never lost.
 *
 * <p>Its secrets are encrypted with SOPS for the sandbox's own age key, made by {@code age-keygen} when the
 * repository is seeded and kept beside it ({@link #ageKeyFile()}), never in it: the seed's {@code *.secret.yaml}
 * files are encrypted in place by the real {@code sops}, under the {@code .sops.yaml} written for that key, before
 * the first commit. A fresh key per sandbox keeps every private key out of Git, the project's included.
 */
public final class SandboxRepo {

  static final List<String> SEEDED = List.of("manifests", "policies");
  /** The path the sandbox's agent syncs besides {@code policies}: the sandbox environment's Kustomize overlay. */
  public static final String OVERLAY = "manifests/overlays/sandbox";
  static final String ENCRYPTED_SUFFIX = ".secret.yaml";

  private final Path dir;

  private SandboxRepo(Path dir) {
    this.dir = dir;
  }

  /** Opens the repository at {@code dir}, creating and seeding it from {@code projectRoot} when absent. */
  public static SandboxRepo openOrSeed(Path dir, Path projectRoot) {
    SandboxRepo repo = new SandboxRepo(dir);
    if (Files.isDirectory(dir.resolve(".git"))) {
      return repo;
    }
    try {
      Files.createDirectories(dir);
      for (String tree : SEEDED) {
        copyTree(projectRoot.resolve(tree), dir.resolve(tree));
      }
      repo.encryptSecrets();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot seed the sandbox repository " + dir, e);
    }
    repo.git("init", "--quiet", "--initial-branch=main");
    // Commits made in the sandbox need an identity even on a machine without a global Git config.
    repo.git("config", "user.name", "Sandbox user");
    repo.git("config", "user.email", "sandbox@keelson.invalid");
    repo.git("add", "--all");
    repo.git("commit", "--quiet", "-m", "Seed the sandbox from manifests/ and policies/");
    return repo;
  }

  /** Encrypts the seed's secrets for the sandbox's age key (made now unless a previous seed left one). */
  private void encryptSecrets() throws IOException {
    try (SopsCli sops = SopsCli.in(dir.getParent())) {
      SopsCli.AgeKey key = Files.isRegularFile(ageKeyFile()) ? SopsCli.ageKeyOf(ageKeyFile())
          : sops.ageKey(ageKeyFile());
      Files.writeString(dir.resolve(".sops.yaml"), """
          # How sops encrypts a secret in this repository (written when the sandbox seeded it). Only the values
          # (data, stringData) are encrypted, so a reviewer sees which object changed, and the MAC covers the
          # encrypted values only, so that Kustomize may label the Secret. The recipient is the sandbox's own age
          # key; its private half is kept outside the repository and given to the agent as a file.
          creation_rules:
            - path_regex: %s$
              encrypted_regex: ^(data|stringData)$
              mac_only_encrypted: true
              age: %s
          """.formatted(ENCRYPTED_SUFFIX.replace(".", "\\."), key.recipient()));
      try (Stream<Path> files = Files.walk(dir.resolve("manifests"))) {
        for (Path file : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith(ENCRYPTED_SUFFIX))
            .sorted()::iterator) {
          sops.encryptInPlace(dir, dir.relativize(file).toString());
        }
      }
    }
  }

  /** The age identity the repository's secrets are encrypted for: beside the repository, never in it. */
  public Path ageKeyFile() {
    return dir.resolveSibling("sops-age.key");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  public Path dir() {
    return dir;
  }

  /**
   * Installs a post-commit hook that asks the agent to sync at once (its GitLab-style webhook), so a
   * commit is applied in well under a second; polling still catches anything the hook misses.
   */
  void installCommitHook(String webhookUrl, String secretFile) {
    Path hook = dir.resolve(".git/hooks/post-commit");
    try {
      Files.createDirectories(hook.getParent());
      Files.writeString(hook, """
          #!/bin/sh
          # Written by the Keelson sandbox on every start: tells the sandbox's agent about the new commit.
          command -v curl >/dev/null 2>&1 || exit 0
          curl --silent --output /dev/null --max-time 2 -X POST \\
            -H "X-Gitlab-Token: $(cat '%s')" '%s' || true
          """.formatted(secretFile, webhookUrl));
      Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + hook, e);
    }
  }

  /** Rewrites a file with {@code edit} and commits it; returns the new commit. */
  public String edit(String file, UnaryOperator<String> edit, String message) {
    Path path = dir.resolve(file);
    try {
      String before = Files.readString(path);
      String after = edit.apply(before);
      if (after.equals(before)) {
        throw new IllegalArgumentException("the edit of " + file + " changes nothing");
      }
      Files.writeString(path, after);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot edit " + path, e);
    }
    return commit(message, file);
  }

  /** Writes a file (new or replaced) and commits it; returns the new commit. */
  public String write(String file, String content, String message) {
    Path path = dir.resolve(file);
    try {
      Files.createDirectories(path.getParent());
      Files.writeString(path, content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
    return commit(message, file);
  }

  /** Deletes a file and commits it; returns the new commit. */
  public String remove(String file, String message) {
    git("rm", "--quiet", "--", file);
    git("commit", "--quiet", "-m", message);
    return head();
  }

  /** Commits a file changed in the working tree by a tool (say, {@code sops set}); returns the new commit. */
  public String commit(String message, String file) {
    git("add", "--", file);
    git("commit", "--quiet", "-m", message);
    return head();
  }

  /** Reverts a commit with a new commit, as a person undoing a bad change would; returns the new commit. */
  public String revert(String commit) {
    git("revert", "--no-edit", commit);
    return head();
  }

  public String head() {
    return git("rev-parse", "HEAD").strip();
  }

  public String read(String file) {
    try {
      return Files.readString(dir.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  String git(String... args) {
    return GitCli.run(dir, args);
  }

}
