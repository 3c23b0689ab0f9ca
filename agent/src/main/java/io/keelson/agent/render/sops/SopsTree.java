package io.keelson.agent.render.sops;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks the documents of a SOPS file as SOPS does: keys in order, list items under their list's path, and
 * every leaf the rule encrypts handed to a {@link Leaves} opener. Alongside, it computes the file's MAC:
 * SHA-512 over the plaintext leaves in order (null values do not count), in upper-case hex.
 */
final class SopsTree {

  /** Opens the leaf at {@code path} (its keys) that the rule says is encrypted. */
  interface Leaves {
    Object open(Object stored, List<String> path) throws LeafFailure;
  }

  /** A leaf that could not be opened; the reason names the path, never the value. */
  static final class LeafFailure extends Exception {
    private static final long serialVersionUID = 1L;

    LeafFailure(List<String> path, String reason) {
      super("value at " + String.join(".", path) + " " + reason, null, false, false);
    }
  }

  /** The documents with their leaves opened, and the MAC computed over them. */
  record Result(List<Map<String, Object>> documents, String mac) {}

  private static final byte[] MAC_ONLY_ENCRYPTED_INITIALIZATION = HexFormat.of().parseHex(
      "8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69");

  private final EncryptionRule rule;
  private final boolean macOnlyEncrypted;
  private final Leaves leaves;
  private final MessageDigest digest;

  private SopsTree(EncryptionRule rule, boolean macOnlyEncrypted, Leaves leaves) {
    this.rule = rule;
    this.macOnlyEncrypted = macOnlyEncrypted;
    this.leaves = leaves;
    try {
      this.digest = MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is part of every Java runtime", e);
    }
    if (macOnlyEncrypted) {
      // SOPS starts such a MAC with fixed bytes so it never equals the MAC over all values.
      digest.update(MAC_ONLY_ENCRYPTED_INITIALIZATION);
    }
  }

  static Result walk(List<Map<String, Object>> documents, EncryptionRule rule, boolean macOnlyEncrypted,
      Leaves leaves) throws LeafFailure {
    SopsTree tree = new SopsTree(rule, macOnlyEncrypted, leaves);
    List<Map<String, Object>> opened = new ArrayList<>(documents.size());
    for (Map<String, Object> document : documents) {
      opened.add(tree.mapping(document, List.of()));
    }
    return new Result(opened, HexFormat.of().withUpperCase().formatHex(tree.digest.digest()));
  }

  private Map<String, Object> mapping(Map<?, ?> mapping, List<String> path) throws LeafFailure {
    Map<String, Object> opened = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : mapping.entrySet()) {
      String key = (String) entry.getKey();
      List<String> keyPath = new ArrayList<>(path);
      keyPath.add(key);
      opened.put(key, value(entry.getValue(), List.copyOf(keyPath)));
    }
    return opened;
  }

  private Object value(Object value, List<String> path) throws LeafFailure {
    if (value == null) {
      return null;
    }
    if (value instanceof Map<?, ?> map) {
      return mapping(map, path);
    }
    if (value instanceof List<?> list) {
      List<Object> opened = new ArrayList<>(list.size());
      for (Object item : list) {
        opened.add(value(item, path));
      }
      return opened;
    }
    boolean encrypted = rule.encrypts(path);
    Object plain = encrypted ? leaves.open(value, path) : value;
    if (!macOnlyEncrypted || encrypted) {
      digest.update(macBytes(plain));
    }
    return plain;
  }

  /** A leaf as SOPS feeds it to the MAC: text as is, booleans as True/False, numbers as Go formats them. */
  static byte[] macBytes(Object value) {
    String text;
    if (value instanceof Boolean bool) {
      text = bool ? "True" : "False";
    } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      text = goFloat(((Number) value).doubleValue());
    } else {
      text = value.toString();
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest decimal that reads back, without an exponent. */
  private static String goFloat(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == 0) {
      return 1 / value < 0 ? "-0" : "0";
    }
    return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
  }
}
