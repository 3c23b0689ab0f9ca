package io.keelson.agent.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a webhook comes from the Git host: GitHub-style {@code X-Hub-Signature-256} (HMAC-SHA256 of
 * the body) or GitLab-style {@code X-Gitlab-Token} (the shared secret itself). Comparisons take constant
 * time, so a caller learns nothing from how long a refusal takes.
 */
public final class WebhookSignatures {

  private static final String PREFIX = "sha256=";

  private WebhookSignatures() {}

  public static boolean validGithubSignature(String secret, byte[] body, String header) {
    if (header == null || !header.startsWith(PREFIX)) {
      return false;
    }
    byte[] expected = hmacSha256(secret, body);
    byte[] given;
    try {
      given = HexFormat.of().parseHex(header.substring(PREFIX.length()));
    } catch (IllegalArgumentException notHex) {
      return false;
    }
    return MessageDigest.isEqual(expected, given);
  }

  public static boolean validGitlabToken(String secret, String header) {
    return header != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
        header.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code sha256=<hex>} as GitHub sends it; for tests and for clients of the agent. */
  public static String githubSignature(String secret, byte[] body) {
    return PREFIX + HexFormat.of().formatHex(hmacSha256(secret, body));
  }

  private static byte[] hmacSha256(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
