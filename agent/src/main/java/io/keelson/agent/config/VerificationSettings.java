package io.keelson.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Optional commit signature verification: an armored GPG public keyring, or an SSH allowed-signers file. */
public class VerificationSettings {

  @JsonProperty
  private String gpgKeyring;

  @JsonProperty
  private String sshAllowedSigners;

  public String getGpgKeyring() {
    return gpgKeyring;
  }

  public String getSshAllowedSigners() {
    return sshAllowedSigners;
  }
}
