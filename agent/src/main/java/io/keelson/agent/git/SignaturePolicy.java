package io.keelson.agent.git;

import java.nio.file.Path;
import java.util.Objects;

/** Which signatures the head commit must carry before its tree is handed out. */
public sealed interface SignaturePolicy {

  /** No verification. */
  record None() implements SignaturePolicy {}

  /**
   * An OpenPGP signature by a key in {@code publicKeyring}: a file of public keys, ASCII-armored (several blocks
   * may follow each other) or binary, as {@code gpg --export [--armor]} writes it. Revoked or expired keys fail.
   */
  record Gpg(Path publicKeyring) implements SignaturePolicy {

    public Gpg {
      Objects.requireNonNull(publicKeyring, "publicKeyring");
    }
  }

  /**
   * An SSH signature ({@code gpg.format=ssh}) by a key in {@code allowedSigners}, in the format of
   * {@code ssh-keygen}'s ALLOWED SIGNERS, options included ({@code namespaces}, {@code valid-after},
   * {@code valid-before}, {@code cert-authority}). As with {@code git verify-commit}, the key must be listed for
   * the {@code git} namespace; the principal it is listed under is not compared with the committer.
   */
  record Ssh(Path allowedSigners) implements SignaturePolicy {

    public Ssh {
      Objects.requireNonNull(allowedSigners, "allowedSigners");
    }
  }

  static SignaturePolicy none() {
    return new None();
  }
}
