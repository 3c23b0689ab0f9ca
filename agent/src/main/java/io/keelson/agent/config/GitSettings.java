package io.keelson.agent.config;

import io.keelson.agent.git.GitAuth;
import io.keelson.agent.git.GitSourceSettings;
import io.keelson.agent.git.SignaturePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Turns a configured source into the Git source's settings, resolving its secrets. */
public final class GitSettings {

  private GitSettings() {}

  public static GitSourceSettings of(SourceSettings source, Map<String, String> environment) {
    return GitSourceSettings.of(source.getName(), source.getUrl(), source.getRef())
        .withPaths(source.getPaths())
        .withAuth(auth(source.getCredentials(), environment))
        .withVerification(verification(source.getVerification()))
        .withTimeout(Duration.ofMillis(source.getTimeout().toMilliseconds()));
  }

  private static GitAuth auth(CredentialsSettings credentials, Map<String, String> environment) {
    if (credentials == null) {
      return new GitAuth.None();
    }
    if (credentials.getToken() != null) {
      return new GitAuth.Token(credentials.getToken().resolve(environment));
    }
    if (credentials.getUsername() != null) {
      return new GitAuth.Basic(credentials.getUsername(), credentials.getPassword().resolve(environment));
    }
    if (credentials.getSshKeyFile() != null) {
      return new GitAuth.SshKey(Path.of(credentials.getSshKeyFile()), Path.of(credentials.getKnownHostsFile()));
    }
    return new GitAuth.None();
  }

  private static SignaturePolicy verification(VerificationSettings verification) {
    if (verification == null) {
      return new SignaturePolicy.None();
    }
    if (verification.getGpgKeyring() != null) {
      return new SignaturePolicy.Gpg(Path.of(verification.getGpgKeyring()));
    }
    if (verification.getSshAllowedSigners() != null) {
      return new SignaturePolicy.Ssh(Path.of(verification.getSshAllowedSigners()));
    }
    return new SignaturePolicy.None();
  }
}
