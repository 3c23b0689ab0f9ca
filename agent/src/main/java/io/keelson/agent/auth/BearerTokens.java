package io.keelson.agent.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** Mutating API calls carry {@code Authorization: Bearer <token>}; checked in constant time. */
public final class BearerTokens {

  private final Optional<String> token;

  public BearerTokens(Optional<String> token) {
    this.token = token;
  }

  public boolean enabled() {
    return token.isPresent();
  }

  public boolean accepts(String authorization) {
    if (token.isEmpty() || authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(token.get().getBytes(StandardCharsets.UTF_8),
        authorization.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8));
  }
}
