package io.keelson.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The agent's configuration file, validated before anything starts ({@code keelson-agent check}). */
public class KeelsonConfiguration extends Configuration {

  /** Where the agent keeps its inventories, status and Lease. */
  @JsonProperty
  @NotBlank
  private String agentNamespace = "keelson-system";

  /** This replica's name in the Lease and in Events; defaults to the host (pod) name. */
  @JsonProperty
  private String identity;

  /** A kubeconfig file; without it the in-cluster service account (or the usual kubeconfig) is used. */
  @JsonProperty
  private String kubeconfig;

  /** Where fetched Git revisions are kept. */
  @JsonProperty
  @NotBlank
  private String cacheDirectory = System.getProperty("java.io.tmpdir") + "/keelson";

  @JsonProperty
  @Valid
  @NotNull
  private List<@Valid SourceSettings> sources = List.of();

  /** Namespaces objects may be applied to; empty allows all. */
  @JsonProperty
  @NotNull
  private Set<String> allowedNamespaces = Set.of();

  /** Kinds that may not be declared, as {@code Kind} or {@code group/Kind}. */
  @JsonProperty
  @NotNull
  private Set<String> deniedKinds = Set.of();

  /** Bearer token that mutating API calls must carry; without it they are refused. */
  @JsonProperty
  private SecretRef apiToken;

  @JsonProperty
  @Valid
  @NotNull
  private RenderSettings render = new RenderSettings();

  @JsonProperty
  @Valid
  @NotNull
  private LeaderElectionSettings leaderElection = new LeaderElectionSettings();

  @JsonProperty
  @Valid
  @NotNull
  private ReleaseControllerSettings releaseController = new ReleaseControllerSettings();

  public String getAgentNamespace() {
    return agentNamespace;
  }

  public String getIdentity() {
    return identity;
  }

  public String getKubeconfig() {
    return kubeconfig;
  }

  public String getCacheDirectory() {
    return cacheDirectory;
  }

  public List<SourceSettings> getSources() {
    return sources;
  }

  public Set<String> getAllowedNamespaces() {
    return allowedNamespaces;
  }

  public Set<String> getDeniedKinds() {
    return deniedKinds;
  }

  public SecretRef getApiToken() {
    return apiToken;
  }

  public RenderSettings getRender() {
    return render;
  }

  public LeaderElectionSettings getLeaderElection() {
    return leaderElection;
  }

  public ReleaseControllerSettings getReleaseController() {
    return releaseController;
  }

  @ValidationMethod(message = "sources: every source needs a unique name")
  public boolean isSourceNamesUnique() {
    Set<String> names = new HashSet<>();
    return sources.stream().allMatch(source -> source.getName() == null || names.add(source.getName()));
  }

  @ValidationMethod(message = "apiToken: set exactly one of file or env")
  public boolean isApiTokenWellFormed() {
    return apiToken == null || apiToken.isWellFormed();
  }
}
