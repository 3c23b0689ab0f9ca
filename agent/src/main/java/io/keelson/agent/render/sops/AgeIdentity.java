package io.keelson.agent.render.sops;

import java.util.Optional;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An age X25519 identity ({@code AGE-SECRET-KEY-1…}). It unwraps the file key of an {@code X25519} stanza
 * addressed to it. {@link #toString()} shows the public recipient only.
 */
final class AgeIdentity {

  static final String STANZA_TYPE = "X25519";
  private static final String SECRET_PREFIX = "age-secret-key-";
  private static final String WRAP_LABEL = "age-encryption.org/v1/X25519";

  private final byte[] scalar;
  private final byte[] publicKey = new byte[X25519.POINT_SIZE];

  private AgeIdentity(byte[] scalar) {
    this.scalar = scalar;
    X25519.scalarMultBase(scalar, 0, publicKey, 0);
  }

  /** The identity written as {@code text}, or empty when it is not an age X25519 secret key. */
  static Optional<AgeIdentity> parse(String text) {
    return Bech32.decode(text)
        .filter(decoded -> decoded.prefix().equals(SECRET_PREFIX) && decoded.data().length == X25519.SCALAR_SIZE)
        .map(decoded -> new AgeIdentity(decoded.data()));
  }

  /**
   * The 16-byte file key wrapped in a stanza's body for the given ephemeral share, or empty when the stanza
   * is addressed to someone else.
   */
  Optional<byte[]> unwrap(byte[] share, byte[] body) {
    byte[] shared = new byte[X25519.POINT_SIZE];
    if (share.length != X25519.POINT_SIZE || !X25519.calculateAgreement(scalar, 0, share, 0, shared, 0)) {
      return Optional.empty();
    }
    byte[] salt = new byte[share.length + publicKey.length];
    System.arraycopy(share, 0, salt, 0, share.length);
    System.arraycopy(publicKey, 0, salt, share.length, publicKey.length);
    byte[] wrapKey = AgeCrypto.hkdf(shared, salt, WRAP_LABEL, 32);
    return AgeCrypto.open(wrapKey, new byte[12], body, 0, body.length);
  }

  /** The public recipient ({@code age1…}) this identity decrypts for. */
  String recipient() {
    return Bech32.encode("age", publicKey);
  }

  @Override
  public String toString() {
    return "age identity of " + recipient();
  }
}
