package io.keelson.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One Git source of desired state. */
@SelfValidating
public class SourceSettings {

  /** Used in label values and object names, so a short DNS label. */
  @JsonProperty
  @NotBlank
  @Pattern(regexp = "[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?",
      message = "must be a lowercase DNS label of at most 40 characters (letters, digits, '-')")
  private String name;

  @JsonProperty
  @NotBlank
  private String url;

  /** A branch name, or {@code refs/tags/<tag>} for a tag. */
  @JsonProperty
  @NotBlank
  private String ref = "main";

  @JsonProperty
  @NotEmpty
  private List<@NotBlank String> paths = List.of(".");

  @JsonProperty
  @NotNull
  @MinDuration(value = 5, unit = TimeUnit.SECONDS)
  private Duration interval = Duration.minutes(1);

  /** Every Git operation's deadline. */
  @JsonProperty
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.SECONDS)
  private Duration timeout = Duration.seconds(30);

  @JsonProperty
  @NotNull
  private Duration healthTimeout = Duration.seconds(60);

  /**
   * How long a resync trusts that an object nobody wrote since is still as applied, before reading and
   * dry-running it again (what only the server side changes, such as a new mutating webhook, shows then).
   * Zero: every sync checks every object in full.
   */
  @JsonProperty
  @NotNull
  private Duration fullCheckInterval = Duration.hours(1);

  @JsonProperty
  @NotBlank
  private String defaultNamespace = "default";

  @JsonProperty
  @Valid
  @NotNull
  private PruneSettings prune = new PruneSettings();

  @JsonProperty
  @Valid
  @NotNull
  private SourceRenderSettings render = new SourceRenderSettings();

  @JsonProperty
  @Valid
  private CredentialsSettings credentials;

  @JsonProperty
  @Valid
  private VerificationSettings verification;

  /** Keys that decrypt SOPS-encrypted manifests, by reference; without them an encrypted file is an error. */
  @JsonProperty
  @Valid
  private SopsSettings sops;

  /** Shared secret of the webhook (GitHub HMAC or GitLab token); without it, webhooks are refused. */
  @JsonProperty
  private SecretRef webhookSecret;

  public String getName() {
    return name;
  }

  public String getUrl() {
    return url;
  }

  public String getRef() {
    return ref;
  }

  public List<String> getPaths() {
    return paths;
  }

  public Duration getInterval() {
    return interval;
  }

  public Duration getTimeout() {
    return timeout;
  }

  public Duration getHealthTimeout() {
    return healthTimeout;
  }

  public Duration getFullCheckInterval() {
    return fullCheckInterval;
  }

  public String getDefaultNamespace() {
    return defaultNamespace;
  }

  public PruneSettings getPrune() {
    return prune;
  }

  public SourceRenderSettings getRender() {
    return render;
  }

  public CredentialsSettings getCredentials() {
    return credentials;
  }

  public VerificationSettings getVerification() {
    return verification;
  }

  public SopsSettings getSops() {
    return sops;
  }

  public SecretRef getWebhookSecret() {
    return webhookSecret;
  }

  @ValidationMethod(message = "credentials: set a token, or a username with a password, or an sshKeyFile with a"
      + " knownHostsFile — one kind only; each secret from exactly one of file or env")
  public boolean isCredentialsCoherent() {
    if (credentials == null) {
      return true;
    }
    int kinds = (credentials.getToken() != null ? 1 : 0)
        + (credentials.getUsername() != null || credentials.getPassword() != null ? 1 : 0)
        + (credentials.getSshKeyFile() != null || credentials.getKnownHostsFile() != null ? 1 : 0);
    boolean basicComplete = credentials.getUsername() == null
        || (credentials.getPassword() != null && credentials.getPassword().isWellFormed());
    boolean sshComplete = (credentials.getSshKeyFile() == null) == (credentials.getKnownHostsFile() == null);
    boolean tokenWellFormed = credentials.getToken() == null || credentials.getToken().isWellFormed();
    return kinds == 1 && basicComplete && sshComplete && tokenWellFormed;
  }

  @ValidationMethod(message = "verification: set gpgKeyring or sshAllowedSigners, not both")
  public boolean isVerificationCoherent() {
    return verification == null || verification.getGpgKeyring() == null || verification.getSshAllowedSigners() == null;
  }

  @ValidationMethod(message = "webhookSecret: set exactly one of file or env")
  public boolean isWebhookSecretWellFormed() {
    return webhookSecret == null || webhookSecret.isWellFormed();
  }

  @SelfValidation
  public void validateWebhookSecret(ViolationCollector violations) {
    if (webhookSecret != null && webhookSecret.isEmptyWhereReadable(System.getenv())) {
      violations.addViolation("webhookSecret: the " + webhookSecret.describe() + " of source " + name
          + " is empty; an empty secret would accept any signature");
    }
  }
}
