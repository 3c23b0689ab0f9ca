package io.keelson.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How to authenticate to a Git server: an HTTPS token, HTTPS basic auth (username + password), or an SSH
 * private key with a known_hosts file. Secrets by reference only.
 */
public class CredentialsSettings {

  @JsonProperty
  private SecretRef token;

  @JsonProperty
  private String username;

  @JsonProperty
  private SecretRef password;

  @JsonProperty
  private String sshKeyFile;

  @JsonProperty
  private String knownHostsFile;

  public SecretRef getToken() {
    return token;
  }

  public String getUsername() {
    return username;
  }

  public SecretRef getPassword() {
    return password;
  }

  public String getSshKeyFile() {
    return sshKeyFile;
  }

  public String getKnownHostsFile() {
    return knownHostsFile;
  }
}
