package io.keelson.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.validation.ValidationMethod;
import io.keelson.agent.render.ChartRepository;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.Map;

/**
 * An HTTP chart repository the agent pulls a source's {@code helmCharts} from, with basic auth by reference
 * (a {@code kubernetes.io/basic-auth} Secret mounted as files, or environment variables).
 */
public class ChartRepositorySettings {

  /** As {@code helmCharts} entries name it in {@code repo}. */
  @JsonProperty
  @NotBlank
  private String url;

  @JsonProperty
  @NotNull
  private SecretRef username;

  @JsonProperty
  @NotNull
  private SecretRef password;

  @ValidationMethod(message = "chartRepositories: url must be http(s) without user info; username and password"
      + " each set exactly one of file or env")
  public boolean isWellFormed() {
    if (url == null || username == null || password == null) {
      return true; // reported by @NotNull
    }
    try {
      toRepository(Map.of());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return username.isWellFormed() && password.isWellFormed();
  }

  /** The repository; its credentials are read each time a chart is pulled. */
  public ChartRepository toRepository(Map<String, String> environment) {
    return new ChartRepository(url, () -> username.resolve(environment), () -> password.resolve(environment));
  }
}
