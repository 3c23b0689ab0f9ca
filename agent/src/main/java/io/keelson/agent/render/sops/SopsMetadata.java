package io.keelson.agent.render.sops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code sops} mapping of an encrypted file: which values are encrypted, the encrypted MAC and the data key
 * wrapped for each recipient. Only the key kinds the agent can open (age, PGP) are kept; the others are named
 * in messages.
 *
 * @param rule which leaves are encrypted, from the file's one encryption rule
 * @param mac the encrypted MAC ({@code ENC[…]}), empty if the file has none
 * @param lastModified authenticated with the MAC, as SOPS formats it
 * @param macOnlyEncrypted whether the MAC covers encrypted values only
 * @param ageKeys age recipients and their armored, wrapped data keys
 * @param pgpKeys PGP fingerprints and their armored, wrapped data keys
 * @param otherKeys recipients of key kinds the agent does not open (cloud KMS, Vault), for messages
 */
record SopsMetadata(EncryptionRule rule, String mac, String lastModified, boolean macOnlyEncrypted,
    List<WrappedKey> ageKeys, List<WrappedKey> pgpKeys, List<String> otherKeys) {

  /** A data key wrapped for one recipient. */
  record WrappedKey(String recipient, String wrapped) {}

  private static final String DEFAULT_UNENCRYPTED_SUFFIX = "_unencrypted";
  private static final List<String> OTHER_KINDS = List.of("kms", "gcp_kms", "azure_kv", "hc_vault", "hckms");
  private static final Map<String, String> OTHER_NAMES = Map.of("kms", "arn", "gcp_kms", "resource_id",
      "azure_kv", "vault_url", "hc_vault", "vault_address", "hckms", "key_id");

  /** Every recipient the data key is wrapped for, age and PGP first. */
  List<String> recipients() {
    List<String> all = new ArrayList<>();
    ageKeys.forEach(key -> all.add(key.recipient()));
    pgpKeys.forEach(key -> all.add("PGP " + key.recipient()));
    all.addAll(otherKeys);
    return all;
  }

  /**
   * Reads the metadata mapping.
   *
   * @throws IllegalArgumentException with the reason when it is not usable
   */
  static SopsMetadata parse(Map<?, ?> sops) {
    EncryptionRule rule = rule(sops);
    String mac = optionalString(sops, "mac");
    String lastModified = optionalString(sops, "lastmodified");
    Object macOnly = sops.get("mac_only_encrypted");
    if (macOnly != null && !(macOnly instanceof Boolean)) {
      throw new IllegalArgumentException("sops.mac_only_encrypted must be a boolean");
    }
    Map<?, ?> group = keyGroup(sops);
    List<String> others = new ArrayList<>();
    for (String kind : OTHER_KINDS) {
      for (Map<?, ?> entry : entries(group, kind)) {
        others.add(kind + " " + optionalString(entry, OTHER_NAMES.get(kind)));
      }
    }
    return new SopsMetadata(rule, mac, lastModified, Boolean.TRUE.equals(macOnly),
        wrapped(group, "age", "recipient"), wrapped(group, "pgp", "fp"), List.copyOf(others));
  }

  /** The one group of keys: the top-level lists, or a single entry of key_groups (Shamir is not supported). */
  private static Map<?, ?> keyGroup(Map<?, ?> sops) {
    Object groups = sops.get("key_groups");
    if (groups == null) {
      return sops;
    }
    if (!(groups instanceof List<?> list) || list.isEmpty() || !(list.get(0) instanceof Map<?, ?> first)) {
      throw new IllegalArgumentException("sops.key_groups must be a list of mappings");
    }
    if (list.size() > 1) {
      throw new IllegalArgumentException("the data key is split over " + list.size()
          + " key groups (Shamir secret sharing), which the agent does not support; use one key group");
    }
    return first;
  }

  private static List<WrappedKey> wrapped(Map<?, ?> group, String kind, String recipientField) {
    List<WrappedKey> keys = new ArrayList<>();
    for (Map<?, ?> entry : entries(group, kind)) {
      String recipient = optionalString(entry, recipientField);
      String wrapped = optionalString(entry, "enc");
      if (recipient.isEmpty() || wrapped.isEmpty()) {
        throw new IllegalArgumentException("sops." + kind + " entries need " + recipientField + " and enc");
      }
      keys.add(new WrappedKey(recipient, wrapped));
    }
    return List.copyOf(keys);
  }

  private static List<Map<?, ?>> entries(Map<?, ?> group, String kind) {
    Object value = group.get(kind);
    if (value == null) {
      return List.of();
    }
    List<Map<?, ?>> entries = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> map) {
          entries.add(map);
          continue;
        }
        throw new IllegalArgumentException("sops." + kind + " must be a list of mappings");
      }
      return entries;
    }
    throw new IllegalArgumentException("sops." + kind + " must be a list of mappings");
  }

  private static EncryptionRule rule(Map<?, ?> sops) {
    if (!optionalString(sops, "unencrypted_comment_regex").isEmpty()
        || !optionalString(sops, "encrypted_comment_regex").isEmpty()) {
      throw new IllegalArgumentException("encrypted_comment_regex and unencrypted_comment_regex are not supported:"
          + " comments are no part of a manifest; use encrypted_regex or a suffix rule");
    }
    List<EncryptionRule> rules = new ArrayList<>();
    suffix(sops, "unencrypted_suffix", false).ifPresent(rules::add);
    suffix(sops, "encrypted_suffix", true).ifPresent(rules::add);
    regex(sops, "unencrypted_regex", false).ifPresent(rules::add);
    regex(sops, "encrypted_regex", true).ifPresent(rules::add);
    if (rules.size() > 1) {
      throw new IllegalArgumentException("more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex"
          + " and unencrypted_regex is set");
    }
    return rules.isEmpty() ? new EncryptionRule.Suffix(DEFAULT_UNENCRYPTED_SUFFIX, false) : rules.get(0);
  }

  private static Optional<EncryptionRule> suffix(Map<?, ?> sops, String field, boolean encrypts) {
    String suffix = optionalString(sops, field);
    return suffix.isEmpty() ? Optional.empty() : Optional.of(new EncryptionRule.Suffix(suffix, encrypts));
  }

  private static Optional<EncryptionRule> regex(Map<?, ?> sops, String field, boolean encrypts) {
    String regex = optionalString(sops, field);
    if (regex.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new EncryptionRule.Regex(Pattern.compile(regex), encrypts));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("sops." + field + " is not a valid regular expression");
    }
  }

  private static String optionalString(Map<?, ?> map, String field) {
    Object value = map.get(field);
    if (value == null) {
      return "";
    }
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException("sops field " + field + " must be a string");
    }
    return text;
  }
}
