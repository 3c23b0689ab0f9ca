package io.keelson.agent.git;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the agent authenticates to the remote. Values only: the configuration layer reads secrets from files or
 * the environment. {@code toString()} never shows a secret.
 */
public sealed interface GitAuth {

  /** Anonymous access (public repositories, {@code git://}). */
  record None() implements GitAuth {}

  /**
   * An HTTPS access token, sent by Basic authentication as the password of user {@value #USERNAME}: GitHub
   * requires that user name for app tokens, and GitLab, Gitea and Azure DevOps accept any user name with a token.
   */
  record Token(String token) implements GitAuth {

    public static final String USERNAME = "x-access-token";

    public Token {
      Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
      return "Token[token=***]";
    }
  }

  /** HTTPS Basic authentication with a user name and a password. */
  record Basic(String user, String password) implements GitAuth {

    public Basic {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "Basic[user=" + user + ", password=***]";
    }
  }

  /**
   * SSH public-key authentication with an unencrypted private key file, and host keys checked strictly against
   * {@code knownHosts}: an unknown or changed host key is refused.
   */
  record SshKey(Path privateKey, Path knownHosts) implements GitAuth {

    public SshKey {
      Objects.requireNonNull(privateKey, "privateKey");
      Objects.requireNonNull(knownHosts, "knownHosts");
    }
  }

  static GitAuth none() {
    return new None();
  }
}
