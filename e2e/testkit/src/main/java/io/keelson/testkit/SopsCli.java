package io.keelson.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real tools, so that tests prove interoperability: {@code sops} and {@code age-keygen} (built by
 * {@code e2e/bin/sops}) and Debian's {@code gpg}, with a private GnuPG home. Fixtures are made at test time, and
 * the sandbox encrypts its config repository's secrets with them. {@link #close()} stops the gpg-agent that gpg
 * starts.
 */
public final class SopsCli implements AutoCloseable {

  private static final long TIMEOUT_SECONDS = 120;

  private final Path tools;
  private final Path work;
  private final Path gnupgHome;

  private SopsCli(Path tools, Path work) {
    this.tools = tools;
    this.work = work;
    this.gnupgHome = work.resolve("gnupg");
  }

  /** Builds sops and age if they are not cached yet; {@code work} holds keys and the GnuPG home. */
  public static SopsCli in(Path work) {
    return new SopsCli(Path.of(ProjectTools.run("sops")), work);
  }

  /** A new age key pair made by age-keygen: the identity file and its recipient. */
  public record AgeKey(Path file, String recipient) {}

  public AgeKey ageKey(String name) {
    return ageKey(work.resolve(name + ".agekey"));
  }

  /** A new age key pair written to {@code file} (age-keygen makes it readable by its owner only). */
  public AgeKey ageKey(Path file) {
    run(List.of(tools.resolve("age-keygen").toString(), "-o", file.toString()), Map.of(), null);
    return ageKeyOf(file);
  }

  /** The recipient of an existing age identity file (age-keygen writes it as a comment). */
  public static AgeKey ageKeyOf(Path file) {
    String recipient = read(file).lines().filter(line -> line.startsWith("# public key: "))
        .map(line -> line.substring("# public key: ".length())).findFirst().orElseThrow();
    return new AgeKey(file, recipient);
  }

  /** A new OpenPGP key made by gpg (no passphrase): its fingerprint and the exported secret key file. */
  public record PgpKey(Path file, String fingerprint) {}

  public PgpKey pgpKey(String name) {
    createGnupgHome();
    String uid = name + " <" + name + "@keelson.invalid>";
    gpg("--quick-generate-key", uid, "default", "default", "never");
    String fingerprint = gpg("--list-secret-keys", "--with-colons", uid).lines()
        .filter(line -> line.startsWith("fpr:")).map(line -> line.split(":")[9]).findFirst().orElseThrow();
    Path file = work.resolve(name + ".pgpkey");
    write(file, gpg("--armor", "--export-secret-keys", fingerprint));
    return new PgpKey(file, fingerprint);
  }

  /**
   * Encrypts {@code plain} (named {@code name}, whose extension tells sops the format) with the given
   * {@code sops encrypt} flags, e.g. {@code --age <recipient>} or {@code --encrypted-regex ^data$};
   * {@code --config <file>} names a creation rules file.
   */
  public String encrypt(String name, String plain, String... flags) {
    Path file = work.resolve(name);
    write(file, plain);
    List<String> command = new ArrayList<>(List.of(tools.resolve("sops").toString()));
    List<String> encryptFlags = new ArrayList<>(List.of(flags));
    int config = encryptFlags.indexOf("--config");
    if (config >= 0) {
      // A global flag: it goes before the subcommand.
      command.addAll(encryptFlags.subList(config, config + 2));
      encryptFlags.subList(config, config + 2).clear();
    }
    command.add("encrypt");
    command.addAll(encryptFlags);
    command.add(file.toString());
    return run(command, Map.of("GNUPGHOME", gnupgHome.toString(), "SOPS_DISABLE_VERSION_CHECK", "1"), null);
  }

  /**
   * {@code sops encrypt --in-place <file>} in {@code repository}, as a person would in a config repository: the
   * creation rule of its {@code .sops.yaml} whose {@code path_regex} matches the file says how and for whom.
   */
  public void encryptInPlace(Path repository, String file) {
    run(List.of(tools.resolve("sops").toString(), "encrypt", "--in-place", file), Map.of("SOPS_DISABLE_VERSION_CHECK",
        "1"), repository);
  }

  /**
   * {@code sops set}: one value of an encrypted file replaced (encrypted, the MAC recomputed), as a person
   * changes a secret; {@code path} as sops writes it ({@code ["stringData"]["key"]}), {@code jsonValue} a JSON value.
   */
  public void set(Path file, String path, String jsonValue, Path ageKeyFile) {
    run(List.of(tools.resolve("sops").toString(), "set", file.toString(), path, jsonValue),
        Map.of("SOPS_AGE_KEY_FILE", ageKeyFile.toString(), "SOPS_DISABLE_VERSION_CHECK", "1"), null);
  }

  private String gpg(String... args) {
    List<String> command = new ArrayList<>(List.of("gpg", "--batch", "--quiet", "--passphrase", "",
        "--pinentry-mode", "loopback"));
    command.addAll(List.of(args));
    return run(command, Map.of("GNUPGHOME", gnupgHome.toString()), null);
  }

  private void createGnupgHome() {
    try {
      Files.createDirectories(gnupgHome);
      Files.setPosixFilePermissions(gnupgHome, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (Files.isDirectory(gnupgHome)) {
      run(List.of("gpgconf", "--kill", "all"), Map.of("GNUPGHOME", gnupgHome.toString()), null);
    }
  }

  private static String run(List<String> command, Map<String, String> environment, Path directory) {
    try {
      Path errors = Files.createTempFile("sops-cli", ".err");
      ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile())
          .directory(directory == null ? null : directory.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      String err = Files.readString(errors);
      Files.delete(errors);
      if (!finished) {
        process.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " did not finish in " + TIMEOUT_SECONDS + "s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(command + " failed (" + process.exitValue() + "): "
            + err);
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
