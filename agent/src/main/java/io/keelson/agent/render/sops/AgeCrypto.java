package io.keelson.agent.render.sops;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/** The primitives of the age v1 format: HKDF-SHA256, HMAC-SHA256 and ChaCha20-Poly1305. */
final class AgeCrypto {

  private AgeCrypto() {}

  static byte[] hkdf(byte[] secret, byte[] salt, String info, int length) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(new HKDFParameters(secret, salt, info.getBytes(StandardCharsets.US_ASCII)));
    byte[] key = new byte[length];
    generator.generateBytes(key, 0, length);
    return key;
  }

  static byte[] hmac(byte[] key, byte[] data, int length) {
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key));
    mac.update(data, 0, length);
    byte[] out = new byte[mac.getMacSize()];
    mac.doFinal(out, 0);
    return out;
  }

  /** The plaintext, or empty when the ciphertext does not authenticate under this key and nonce. */
  static Optional<byte[]> open(byte[] key, byte[] nonce, byte[] sealed, int offset, int length) {
    ChaCha20Poly1305 cipher = new ChaCha20Poly1305();
    cipher.init(false, new AEADParameters(new KeyParameter(key), 128, nonce));
    byte[] out = new byte[cipher.getOutputSize(length)];
    try {
      int written = cipher.processBytes(sealed, offset, length, out, 0);
      cipher.doFinal(out, written);
      return Optional.of(out);
    } catch (InvalidCipherTextException e) {
      return Optional.empty();
    }
  }
}
