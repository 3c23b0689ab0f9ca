package io.keelson.agent.render.sops;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which leaves of a SOPS file are encrypted, decided by the keys on the path to the leaf as SOPS decides it:
 * a leaf is encrypted unless a key on its path matches an {@code unencrypted_*} rule; with an
 * {@code encrypted_*} rule, only if a key on its path matches.
 */
sealed interface EncryptionRule {

  boolean encrypts(List<String> path);

  /** {@code encrypted_suffix} or {@code unencrypted_suffix} (the default, {@code _unencrypted}). */
  record Suffix(String suffix, boolean encrypting) implements EncryptionRule {
    @Override
    public boolean encrypts(List<String> path) {
      boolean matched = path.stream().anyMatch(key -> key.endsWith(suffix));
      return encrypting == matched;
    }
  }

  /** {@code encrypted_regex} or {@code unencrypted_regex}: a match anywhere in a key counts, as in Go. */
  record Regex(Pattern pattern, boolean encrypting) implements EncryptionRule {
    @Override
    public boolean encrypts(List<String> path) {
      boolean matched = path.stream().anyMatch(key -> pattern.matcher(key).find());
      return encrypting == matched;
    }
  }
}
