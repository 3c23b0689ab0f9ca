package io.keelson.agent.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;
import org.eclipse.jgit.api.errors.CanceledException;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.Signer;
import org.eclipse.jgit.transport.CredentialsProvider;

/** An RSA OpenPGP key made in process with Bouncy Castle: its public key ring, and a JGit commit signer. */
final class OpenPgpTestKey {

  private final PGPKeyPair pair;
  private final PGPPublicKeyRing publicRing;

  private OpenPgpTestKey(PGPKeyPair pair, PGPPublicKeyRing publicRing) {
    this.pair = pair;
    this.publicRing = publicRing;
  }

  static OpenPgpTestKey generate(String userId) {
    try {
      RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
      generator.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), new SecureRandom(), 2048, 80));
      PGPKeyPair pair = new BcPGPKeyPair(PublicKeyPacket.VERSION_4, PublicKeyAlgorithmTags.RSA_GENERAL,
          generator.generateKeyPair(), new Date());
      PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, pair, userId,
          new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1), null, null,
          new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.RSA_GENERAL, HashAlgorithmTags.SHA256), null);
      return new OpenPgpTestKey(pair, rings.generatePublicKeyRing());
    } catch (PGPException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the public key ring, ASCII-armored, as {@code gpg --export --armor} does. */
  Path writePublicKeyring(Path file) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ArmoredOutputStream armored = new ArmoredOutputStream(bytes)) {
      publicRing.encode(armored);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, bytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String keyId() {
    return String.format("%016X", pair.getKeyID());
  }

  /** A commit signer producing a detached, armored OpenPGP signature over the commit, as {@code gpg} does. */
  Signer signer() {
    return new Signer() {
      @Override
      public GpgSignature sign(Repository repository, GpgConfig config, byte[] data, PersonIdent committer,
          String signingKey, CredentialsProvider credentialsProvider) throws CanceledException, IOException {
        try {
          PGPSignatureGenerator generator = new PGPSignatureGenerator(
              new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.RSA_GENERAL, HashAlgorithmTags.SHA256),
              pair.getPublicKey());
          generator.init(PGPSignature.BINARY_DOCUMENT, pair.getPrivateKey());
          generator.update(data);
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          try (ArmoredOutputStream armored = new ArmoredOutputStream(bytes)) {
            generator.generate().encode(armored);
          }
          return new GpgSignature(bytes.toByteArray());
        } catch (PGPException e) {
          throw new IOException(e);
        }
      }

      @Override
      public boolean canLocateSigningKey(Repository repository, GpgConfig config, PersonIdent committer,
          String signingKey, CredentialsProvider credentialsProvider) {
        return true;
      }
    };
  }
}
