package io.keelson.agent.git;

import io.keelson.agent.git.GitSourceException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.SignatureVerifier;
import org.eclipse.jgit.lib.SignatureVerifiers;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.util.RawParseUtils;

/**
 * Verifies a commit's signature against a {@link SignaturePolicy}.
 *
 * <p>OpenPGP is verified here with Bouncy Castle against the configured keyring: JGit's own OpenPGP verifier
 * looks keys up only in the GnuPG home of the user running the process. SSH signatures go through JGit's SSH
 * verifier ({@code org.eclipse.jgit.ssh.apache}) with {@code gpg.ssh.allowedSignersFile} set to the configured
 * file.
 */
final class CommitSignatures {

  private static final byte[] GPGSIG = {'g', 'p', 'g', 's', 'i', 'g'};
  private static final String PGP_PREFIX = "-----BEGIN PGP SIGNATURE-----";
  private static final String SSH_PREFIX = "-----BEGIN SSH SIGNATURE-----";
  private static final String KEY_BLOCK = "-----BEGIN PGP PUBLIC KEY BLOCK-----";

  private CommitSignatures() {}

  /** Throws {@link Reason#SIGNATURE} naming the commit and why, unless the policy accepts the commit. */
  static void verify(SignaturePolicy policy, Repository repository, RevCommit commit) {
    if (policy instanceof SignaturePolicy.None) {
      return;
    }
    byte[] signature = commit.getRawGpgSignature();
    if (signature == null) {
      throw refused(commit, "it is not signed");
    }
    String armor = new String(signature, 0, Math.min(signature.length, 40), StandardCharsets.US_ASCII);
    byte[] payload = unsignedPayload(commit);
    if (policy instanceof SignaturePolicy.Gpg gpg) {
      if (!armor.startsWith(PGP_PREFIX)) {
        throw refused(commit, "it does not carry an OpenPGP signature");
      }
      verifyOpenPgp(gpg.publicKeyring(), commit, payload, signature);
    } else if (policy instanceof SignaturePolicy.Ssh ssh) {
      if (!armor.startsWith(SSH_PREFIX)) {
        throw refused(commit, "it does not carry an SSH signature");
      }
      verifySsh(ssh.allowedSigners(), repository, commit, payload, signature);
    }
  }

  private static void verifyOpenPgp(Path keyringFile, RevCommit commit, byte[] payload, byte[] signatureData) {
    List<PGPPublicKeyRing> keyrings = readKeyrings(keyringFile);
    PGPSignature signature;
    try {
      signature = parseSignature(signatureData);
    } catch (IOException | PGPException e) {
      throw refused(commit, "its OpenPGP signature cannot be parsed");
    }
    if (signature == null) {
      throw refused(commit, "its OpenPGP signature cannot be parsed");
    }
    String keyId = String.format("%016X", signature.getKeyID());
    PGPPublicKey key = null;
    for (PGPPublicKeyRing ring : keyrings) {
      key = ring.getPublicKey(signature.getKeyID());
      if (key != null) {
        break;
      }
    }
    if (key == null) {
      throw refused(commit, "it is signed by key " + keyId + ", which is not in the trusted keyring");
    }
    if (key.hasRevocation()) {
      throw refused(commit, "it is signed by key " + keyId + ", which is revoked");
    }
    long validSeconds = key.getValidSeconds();
    Date created = signature.getCreationTime();
    if (validSeconds > 0 && created.getTime() > key.getCreationTime().getTime() + validSeconds * 1000) {
      throw refused(commit, "it is signed by key " + keyId + ", which had expired when it signed");
    }
    boolean valid;
    try {
      signature.init(new BcPGPContentVerifierBuilderProvider(), key);
      signature.update(payload);
      valid = signature.verify();
    } catch (PGPException e) {
      valid = false;
    }
    if (!valid) {
      throw refused(commit, "its OpenPGP signature by key " + keyId + " does not match the commit");
    }
  }

  private static PGPSignature parseSignature(byte[] data) throws IOException, PGPException {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(data))) {
      Object object = new BcPGPObjectFactory(in).nextObject();
      return object instanceof PGPSignatureList list && !list.isEmpty() ? list.get(0) : null;
    }
  }

  /** Every key ring of the file; armored files may hold several blocks, one after the other. */
  private static List<PGPPublicKeyRing> readKeyrings(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new GitSourceException(Reason.SIGNATURE, "cannot read the trusted OpenPGP keyring " + file, e);
    }
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    List<byte[]> blocks = new ArrayList<>();
    int start = text.indexOf(KEY_BLOCK);
    if (start < 0) {
      blocks.add(bytes);
    }
    while (start >= 0) {
      int next = text.indexOf(KEY_BLOCK, start + KEY_BLOCK.length());
      int end = next < 0 ? text.length() : next;
      blocks.add(text.substring(start, end).getBytes(StandardCharsets.ISO_8859_1));
      start = next;
    }
    List<PGPPublicKeyRing> rings = new ArrayList<>();
    for (byte[] block : blocks) {
      try (InputStream in = decoder(block)) {
        new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator()).forEach(rings::add);
      } catch (IOException | PGPException e) {
        throw new GitSourceException(Reason.SIGNATURE, "the trusted OpenPGP keyring " + file + " is not valid", e);
      }
    }
    return rings;
  }

  private static InputStream decoder(byte[] block) throws IOException {
    InputStream raw = new ByteArrayInputStream(block);
    return new String(block, 0, Math.min(block.length, 5), StandardCharsets.ISO_8859_1).equals("-----")
        ? new ArmoredInputStream(raw) : PGPUtil.getDecoderStream(raw);
  }

  private static void verifySsh(Path allowedSigners, Repository repository, RevCommit commit, byte[] payload,
      byte[] signature) {
    if (!Files.isReadable(allowedSigners)) {
      throw new GitSourceException(Reason.SIGNATURE, "cannot read the SSH allowed signers file " + allowedSigners);
    }
    Config config = new Config();
    config.setString(ConfigConstants.CONFIG_GPG_SECTION, ConfigConstants.CONFIG_SSH_SUBSECTION,
        ConfigConstants.CONFIG_KEY_SSH_ALLOWED_SIGNERS_FILE, allowedSigners.toAbsolutePath().toString());
    SignatureVerifier.SignatureVerification result;
    try {
      result = SignatureVerifiers.verify(repository, new GpgConfig(config), payload, signature);
    } catch (IOException | RuntimeException e) {
      throw new GitSourceException(Reason.SIGNATURE,
          "cannot verify the SSH signature of commit " + commit.name() + ": " + e.getMessage(), e);
    }
    if (result == null) {
      throw refused(commit, "no SSH signature verifier is available");
    }
    if (!result.verified() || result.trustLevel() != SignatureVerifier.TrustLevel.FULL) {
      String why = result.message() == null ? "the signature is not valid" : result.message();
      throw refused(commit, "its SSH signature by key " + result.keyFingerprint() + " is not accepted: " + why);
    }
  }

  /** The commit as it was signed: its raw bytes without the {@code gpgsig} header. */
  private static byte[] unsignedPayload(RevCommit commit) {
    byte[] raw = commit.getRawBuffer();
    int start = RawParseUtils.headerStart(GPGSIG, raw, 0);
    if (start < 0) {
      return raw;
    }
    int end = RawParseUtils.nextLfSkippingSplitLines(raw, start);
    start -= GPGSIG.length + 1;
    if (end < raw.length) {
      end++;
    }
    byte[] data = new byte[raw.length - (end - start)];
    System.arraycopy(raw, 0, data, 0, start);
    System.arraycopy(raw, end, data, start, raw.length - end);
    return data;
  }

  private static GitSourceException refused(RevCommit commit, String why) {
    return new GitSourceException(Reason.SIGNATURE, "commit " + commit.name() + " is refused: " + why);
  }
}
