package io.keelson.agent.render.sops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The private keys a source decrypts SOPS files with, read from files given by reference (a mounted Secret).
 * They are kept in memory only; no message, log or {@link #toString()} shows them: only the public recipients
 * and fingerprints they stand for.
 */
public final class SopsKeys {

  /** No key at all: only form can be checked. */
  static final SopsKeys NONE = new SopsKeys(List.of(), PgpKeys.none());

  private final List<AgeIdentity> ageIdentities;
  private final PgpKeys pgpKeys;

  private SopsKeys(List<AgeIdentity> ageIdentities, PgpKeys pgpKeys) {
    this.ageIdentities = List.copyOf(ageIdentities);
    this.pgpKeys = pgpKeys;
  }

  /**
   * Reads the key files; either may be absent (null).
   *
   * @param ageKeyFile an age identity file as {@code age-keygen} writes it: {@code AGE-SECRET-KEY-1…} lines,
   *     {@code #} comments
   * @param pgpKeyFile an OpenPGP secret key export without a passphrase, armored or binary
   * @throws SopsException naming the file and what is wrong with it, never its content
   */
  public static SopsKeys load(Path ageKeyFile, Path pgpKeyFile) throws SopsException {
    List<AgeIdentity> identities = ageKeyFile == null ? List.of() : ageIdentities(ageKeyFile);
    PgpKeys pgp = PgpKeys.none();
    if (pgpKeyFile != null) {
      try {
        pgp = PgpKeys.parse(read(pgpKeyFile, "PGP"));
      } catch (IllegalArgumentException e) {
        throw new SopsException(pgpKeyFile.toString(), "PGP key file cannot be used: " + e.getMessage());
      }
    }
    return new SopsKeys(identities, pgp);
  }

  /** Parses an age identity file's text; {@code source} names it in errors. */
  static List<AgeIdentity> ageIdentities(String text, String source) throws SopsException {
    List<AgeIdentity> identities = new ArrayList<>();
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Optional<AgeIdentity> identity = AgeIdentity.parse(line);
      if (identity.isEmpty()) {
        throw new SopsException(source, "age key file line " + (i + 1) + " is not an age X25519 identity"
            + " (AGE-SECRET-KEY-1…); plugin and post-quantum identities are not supported");
      }
      identities.add(identity.get());
    }
    if (identities.isEmpty()) {
      throw new SopsException(source, "age key file holds no identity");
    }
    return identities;
  }

  private static List<AgeIdentity> ageIdentities(Path file) throws SopsException {
    return ageIdentities(new String(read(file, "age"), StandardCharsets.UTF_8), file.toString());
  }

  private static byte[] read(Path file, String kind) throws SopsException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new SopsException(file.toString(), kind + " key file cannot be read ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  List<AgeIdentity> ageIdentities() {
    return ageIdentities;
  }

  PgpKeys pgpKeys() {
    return pgpKeys;
  }

  /** What these keys decrypt for: age recipients and PGP fingerprints. */
  List<String> describe() {
    List<String> names = new ArrayList<>();
    ageIdentities.forEach(identity -> names.add(identity.recipient()));
    names.addAll(pgpKeys.fingerprints());
    return names;
  }

  @Override
  public String toString() {
    return "SOPS keys for " + describe();
  }
}
