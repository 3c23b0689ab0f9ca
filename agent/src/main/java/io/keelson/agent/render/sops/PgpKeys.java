package io.keelson.agent.render.sops;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;

/**
 * OpenPGP secret keys (an export of {@code gpg --export-secret-keys}, armored or binary, without a passphrase)
 * and the decryption of a PGP message with them: the form SOPS stores a PGP-wrapped data key in.
 */
final class PgpKeys {

  private final List<PGPKeyPair> keys;
  private final List<String> fingerprints;

  private PgpKeys(List<PGPKeyPair> keys, List<String> fingerprints) {
    this.keys = keys;
    this.fingerprints = fingerprints;
  }

  static PgpKeys none() {
    return new PgpKeys(List.of(), List.of());
  }

  /**
   * The usable secret keys in {@code exported}.
   *
   * @throws IllegalArgumentException naming the problem, never the key material
   */
  static PgpKeys parse(byte[] exported) {
    PGPSecretKeyRingCollection rings;
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(exported))) {
      rings = new PGPSecretKeyRingCollection(in, new BcKeyFingerprintCalculator());
    } catch (IOException | PGPException | RuntimeException e) {
      throw new IllegalArgumentException("it is not an OpenPGP secret key export (gpg --export-secret-keys)");
    }
    List<PGPKeyPair> keys = new ArrayList<>();
    List<String> fingerprints = new ArrayList<>();
    for (Iterator<PGPSecretKeyRing> ringIt = rings.getKeyRings(); ringIt.hasNext(); ) {
      PGPSecretKeyRing ring = ringIt.next();
      fingerprints.add(hex(ring.getPublicKey().getFingerprint()));
      for (Iterator<PGPSecretKey> keyIt = ring.getSecretKeys(); keyIt.hasNext(); ) {
        PGPSecretKey key = keyIt.next();
        if (key.isPrivateKeyEmpty()) {
          continue;
        }
        if (key.getS2KUsage() != 0) {
          throw new IllegalArgumentException("its secret key " + hex(key.getPublicKey().getFingerprint())
              + " is protected by a passphrase; export it without one for the agent (the file is the secret)");
        }
        try {
          keys.add(new PGPKeyPair(key.getPublicKey(), key.extractPrivateKey(null)));
        } catch (PGPException e) {
          throw new IllegalArgumentException("its secret key " + hex(key.getPublicKey().getFingerprint())
              + " cannot be read");
        }
      }
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(
          "it holds no OpenPGP secret key (export one with gpg --export-secret-keys)");
    }
    return new PgpKeys(List.copyOf(keys), List.copyOf(fingerprints));
  }

  /** Fingerprints of the primary keys, for messages. */
  List<String> fingerprints() {
    return fingerprints;
  }

  /**
   * The plaintext of an armored PGP message, or empty when it is encrypted to none of these keys.
   *
   * @throws DataKeyFailure when the message is malformed or fails its integrity check
   */
  Optional<byte[]> decrypt(String armored) throws DataKeyFailure {
    PGPEncryptedDataList list = encryptedData(armored);
    for (Object candidate : list) {
      if (!(candidate instanceof PGPPublicKeyEncryptedData data)) {
        continue;
      }
      for (PGPKeyPair key : keys) {
        if (data.getKeyIdentifier().matches(key.getKeyIdentifier())) {
          Optional<byte[]> plain = open(data, key);
          if (plain.isPresent()) {
            return plain;
          }
        }
      }
    }
    return Optional.empty();
  }

  private static PGPEncryptedDataList encryptedData(String armored) throws DataKeyFailure {
    try (InputStream in = PGPUtil.getDecoderStream(
        new ByteArrayInputStream(armored.getBytes(StandardCharsets.US_ASCII)))) {
      BcPGPObjectFactory factory = new BcPGPObjectFactory(in);
      Object next = factory.nextObject();
      while (next != null && !(next instanceof PGPEncryptedDataList)) {
        next = factory.nextObject();
      }
      if (next == null) {
        throw new DataKeyFailure("PGP data key is not an encrypted PGP message");
      }
      return (PGPEncryptedDataList) next;
    } catch (IOException | RuntimeException e) {
      throw new DataKeyFailure("PGP data key is not a readable PGP message");
    }
  }

  /** The literal data inside, or empty when this key does not open the session key. */
  private static Optional<byte[]> open(PGPPublicKeyEncryptedData data, PGPKeyPair key) throws DataKeyFailure {
    InputStream clear;
    try {
      clear = data.getDataStream(new BcPublicKeyDataDecryptorFactory(key));
    } catch (PGPException | RuntimeException e) {
      return Optional.empty();
    }
    try {
      Object content = new BcPGPObjectFactory(clear).nextObject();
      if (content instanceof PGPCompressedData compressed) {
        content = new BcPGPObjectFactory(compressed.getDataStream()).nextObject();
      }
      if (!(content instanceof PGPLiteralData literal)) {
        throw new DataKeyFailure("PGP data key holds no literal data");
      }
      byte[] plain = literal.getInputStream().readAllBytes();
      if (data.isIntegrityProtected() && !data.verify()) {
        throw new DataKeyFailure("PGP data key fails its integrity check: it was altered");
      }
      return Optional.of(plain);
    } catch (IOException | PGPException | RuntimeException e) {
      throw new DataKeyFailure("PGP data key cannot be decrypted: it is damaged or was altered");
    }
  }

  static String hex(byte[] bytes) {
    StringBuilder text = new StringBuilder();
    for (byte b : bytes) {
      text.append(String.format("%02X", b));
    }
    return text.toString();
  }
}
