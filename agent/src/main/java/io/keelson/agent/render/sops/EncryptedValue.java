package io.keelson.agent.render.sops;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One value as SOPS stores it, {@code ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]}: AES-256-GCM under the data
 * key, authenticated with the value's path as additional data, and the type to restore.
 */
record EncryptedValue(byte[] data, byte[] iv, byte[] tag, String type) {

  private static final Pattern FORMAT =
      Pattern.compile("ENC\\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:([a-z]+)\\]");

  /** The parsed value, or empty when {@code text} is not in SOPS' encrypted format. */
  static Optional<EncryptedValue> parse(String text) {
    Matcher matcher = FORMAT.matcher(text);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    try {
      Base64.Decoder base64 = Base64.getDecoder();
      return Optional.of(new EncryptedValue(base64.decode(matcher.group(1)), base64.decode(matcher.group(2)),
          base64.decode(matcher.group(3)), matcher.group(4)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The plaintext value with its type restored (String, Integer or Long, Double, Boolean).
   *
   * @throws AEADBadTagException when the data key, the path or the value is not the one encrypted
   * @throws IllegalArgumentException when the plaintext does not parse as its type
   */
  Object decrypt(byte[] dataKey, String additionalData) throws AEADBadTagException {
    String text = new String(open(dataKey, additionalData), StandardCharsets.UTF_8);
    switch (type) {
      case "str", "bytes", "time":
        return text;
      case "int":
        long value = Long.parseLong(text);
        return value == (int) value ? (Object) (int) value : (Object) value;
      case "float":
        return Double.valueOf(text);
      case "bool":
        return parseBool(text);
      default:
        throw new IllegalArgumentException("unknown value type '" + type + "'");
    }
  }

  private byte[] open(byte[] dataKey, String additionalData) throws AEADBadTagException {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(tag.length * 8, iv));
      cipher.updateAAD(additionalData.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = new byte[data.length + tag.length];
      System.arraycopy(data, 0, sealed, 0, data.length);
      System.arraycopy(tag, 0, sealed, data.length, tag.length);
      return cipher.doFinal(sealed);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("value cannot be decrypted with AES-256-GCM");
    }
  }

  /** As Go's strconv.ParseBool, which SOPS uses. */
  private static Boolean parseBool(String text) {
    switch (text) {
      case "1", "t", "T", "TRUE", "true", "True":
        return Boolean.TRUE;
      case "0", "f", "F", "FALSE", "false", "False":
        return Boolean.FALSE;
      default:
        throw new IllegalArgumentException("bool value is neither true nor false");
    }
  }
}
