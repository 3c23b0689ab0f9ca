package io.keelson.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.validation.ValidationMethod;
import io.keelson.agent.render.sops.SopsDecryptor;
import java.nio.file.Path;

/**
 * A source's SOPS keys, as files (a mounted Kubernetes Secret): the agent reads them when it meets an encrypted
 * manifest and keeps them in memory only. Never inline: a key in the configuration would be a secret in a
 * ConfigMap.
 */
public class SopsSettings {

  /** An age identity file, as {@code age-keygen} writes it ({@code AGE-SECRET-KEY-1…} lines). */
  @JsonProperty
  private String ageKeyFile;

  /** An OpenPGP secret key export without a passphrase ({@code gpg --export-secret-keys --armor}). */
  @JsonProperty
  private String pgpKeyFile;

  public String getAgeKeyFile() {
    return ageKeyFile;
  }

  public String getPgpKeyFile() {
    return pgpKeyFile;
  }

  @ValidationMethod(message = "sops: set ageKeyFile, pgpKeyFile or both")
  public boolean isAnyKeySet() {
    return ageKeyFile != null || pgpKeyFile != null;
  }

  public SopsDecryptor toDecryptor() {
    return SopsDecryptor.withKeyFiles(ageKeyFile == null ? null : Path.of(ageKeyFile),
        pgpKeyFile == null ? null : Path.of(pgpKeyFile));
  }
}
