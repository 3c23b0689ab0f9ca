package io.keelson.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for one control plane, like envtest's: it signs the API server's
 * serving certificate and the admin user's client certificate, and makes the service-account key.
 */
final class Certificates {

  private static final Duration VALIDITY = Duration.ofDays(7);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair caKeys;
  private final X509Certificate ca;

  Certificates() {
    caKeys = newKeyPair();
    X500Name name = new X500Name("CN=keelson-test-ca");
    try {
      ca = sign(builder(name, name, caKeys)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A PEM pair for a TLS server reachable as 127.0.0.1 and localhost. */
  PemPair serving(String commonName) {
    KeyPair keys = newKeyPair();
    GeneralNames names = new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress()),
        new GeneralName(GeneralName.dNSName, "localhost")});
    return leaf(new X500Name("CN=" + commonName), keys, KeyPurposeId.id_kp_serverAuth, names);
  }

  /** A PEM pair for a client; {@code organization} becomes the user's group (system:masters for admin). */
  PemPair client(String user, String organization) {
    return leaf(new X500Name("CN=" + user + ",O=" + organization), newKeyPair(), KeyPurposeId.id_kp_clientAuth, null);
  }

  /** A private key for signing service-account tokens. */
  String serviceAccountKey() {
    return pem(newKeyPair().getPrivate());
  }

  String caPem() {
    return pem(ca);
  }

  private PemPair leaf(X500Name subject, KeyPair keys, KeyPurposeId purpose, GeneralNames names) {
    try {
      X509v3CertificateBuilder builder = builder(new X500Name(ca.getSubjectX500Principal().getName()), subject, keys)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      if (names != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, names);
      }
      return new PemPair(pem(sign(builder)), pem(keys.getPrivate()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
  }

  private X509Certificate sign(X509v3CertificateBuilder builder) {
    PrivateKey signer = caKeys.getPrivate();
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer)));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a test certificate", e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is not available", e);
    }
  }

  private static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A certificate and its private key, PEM-encoded. */
  record PemPair(String certificate, String privateKey) {
    void writeTo(Path certificateFile, Path keyFile) throws IOException {
      Files.writeString(certificateFile, certificate);
      Files.writeString(keyFile, privateKey);
    }
  }
}
