package io.keelson.agent.render.sops;

import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.Optional;

/** Bech32 (BIP 173) decoding, the text form of age keys; the length limit of BIP 173 does not apply to age. */
final class Bech32 {

  private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};

  /** A decoded string: its human-readable part (lower case) and its data as bytes. */
  record Decoded(String prefix, byte[] data) {}

  private Bech32() {}

  /** The decoded string, or empty when it is not valid Bech32 (mixed case, bad character or checksum). */
  static Optional<Decoded> decode(String text) {
    if (!text.equals(text.toLowerCase(Locale.ROOT)) && !text.equals(text.toUpperCase(Locale.ROOT))) {
      return Optional.empty();
    }
    String lower = text.toLowerCase(Locale.ROOT);
    int separator = lower.lastIndexOf('1');
    if (separator < 1 || separator + 7 > lower.length()) {
      return Optional.empty();
    }
    String prefix = lower.substring(0, separator);
    int[] values = new int[lower.length() - separator - 1];
    for (int i = 0; i < values.length; i++) {
      values[i] = CHARSET.indexOf(lower.charAt(separator + 1 + i));
      if (values[i] < 0) {
        return Optional.empty();
      }
    }
    if (checksum(prefix, values) != 1) {
      return Optional.empty();
    }
    return toBytes(values, values.length - 6).map(data -> new Decoded(prefix, data));
  }

  /** The lower-case Bech32 string of {@code data} under {@code prefix}. */
  static String encode(String prefix, byte[] data) {
    int[] values = new int[(data.length * 8 + 4) / 5 + 6];
    int count = 0;
    int accumulator = 0;
    int bits = 0;
    for (byte b : data) {
      accumulator = accumulator << 8 | b & 0xff;
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        values[count++] = accumulator >>> bits & 31;
      }
    }
    if (bits > 0) {
      values[count++] = accumulator << 5 - bits & 31;
    }
    // With six zero values in place of the checksum, the polymod yields the checksum to append.
    int check = checksum(prefix, values) ^ 1;
    for (int i = 0; i < 6; i++) {
      values[count + i] = check >>> 5 * (5 - i) & 31;
    }
    StringBuilder text = new StringBuilder(prefix).append('1');
    for (int value : values) {
      text.append(CHARSET.charAt(value));
    }
    return text.toString();
  }

  private static int checksum(String prefix, int[] values) {
    int check = 1;
    for (int i = 0; i < prefix.length(); i++) {
      check = step(check, prefix.charAt(i) >> 5);
    }
    check = step(check, 0);
    for (int i = 0; i < prefix.length(); i++) {
      check = step(check, prefix.charAt(i) & 31);
    }
    for (int value : values) {
      check = step(check, value);
    }
    return check;
  }

  private static int step(int check, int value) {
    int top = check >>> 25;
    check = (check & 0x1ffffff) << 5 ^ value;
    for (int i = 0; i < GENERATOR.length; i++) {
      if ((top >>> i & 1) != 0) {
        check ^= GENERATOR[i];
      }
    }
    return check;
  }

  /** Regroups 5-bit values into bytes; leftover bits must be fewer than 5 and zero. */
  private static Optional<byte[]> toBytes(int[] values, int count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int accumulator = 0;
    int bits = 0;
    for (int i = 0; i < count; i++) {
      accumulator = accumulator << 5 | values[i];
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out.write(accumulator >>> bits & 0xff);
      }
    }
    if (bits >= 5 || (accumulator & (1 << bits) - 1) != 0) {
      return Optional.empty();
    }
    return Optional.of(out.toByteArray());
  }
}
