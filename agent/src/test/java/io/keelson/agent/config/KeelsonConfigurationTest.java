package io.keelson.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.keelson.agent.render.ChartRepository;
import io.keelson.release.api.RouterKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration is validated before anything starts, with messages that say what to fix. */
class KeelsonConfigurationTest {

  @TempDir Path temp;

  private KeelsonConfiguration load(Path file) throws Exception {
    return new YamlConfigurationFactory<>(KeelsonConfiguration.class, Validators.newValidator(),
        Jackson.newObjectMapper(), "dw")
        .build(new SubstitutingSourceProvider(new FileConfigurationSourceProvider(),
            new EnvironmentVariableSubstitutor(false)), file.toString());
  }

  private Path write(String yaml) throws Exception {
    Path file = temp.resolve("keelson-" + System.nanoTime() + ".yml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void aConfigurationWrittenForTheFixedTickStartsAndIsToldTheSettingIsRetired() throws Exception {
    String source = """
        sources: [{name: apps, url: "https://git.example.com/config.git", paths: [manifests]}]
        releaseController: {%s}
        """;

    assertThat(load(write(source.formatted("tickInterval: 500ms"))).getReleaseController().retiredSettingWarning())
        .hasValueSatisfying(warning -> assertThat(warning)
            .contains("releaseController.tickInterval (500 milliseconds) has no effect", "resyncInterval (30 seconds)"));
    assertThat(load(write(source.formatted("resyncInterval: 10s"))).getReleaseController().retiredSettingWarning())
        .isEmpty();
  }

  @Test
  void theDocumentedExampleIsValid() throws Exception {
    KeelsonConfiguration config = load(ProjectFiles.agentExample());

    assertThat(config.getSources()).singleElement().satisfies(source -> {
      assertThat(source.getName()).isEqualTo("apps");
      assertThat(source.getPaths()).containsExactly("manifests", "policies");
      assertThat(source.getInterval().toSeconds()).isEqualTo(60);
      assertThat(source.getPrune().toOptions().maxFraction()).isEqualTo(0.5);
      // Safe by default: no network, no plugins; binaries from PATH unless the environment names them.
      assertThat(config.getRender().toTools(source.getRender(), Map.of())).satisfies(tools -> {
        assertThat(tools.kustomizeBinary()).isEqualTo(System.getenv().getOrDefault("KEELSON_KUSTOMIZE", "kustomize"));
        assertThat(tools.timeout()).hasSeconds(60);
        assertThat(tools.maxOutputBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(tools.allowNetwork()).isFalse();
        assertThat(tools.allowPlugins()).isFalse();
        assertThat(tools.chartRepositories()).extracting(ChartRepository::url)
            .containsExactly("https://charts.example.com/platform");
      });
    });
    assertThat(config.getLeaderElection().isEnabled()).isTrue();
    assertThat(config.getReleaseController().getRouter()).isEqualTo(RouterKind.ISTIO);
  }

  @Test
  void theDefaultRouterIsIstioOrGatewayApiAndNothingElse() throws Exception {
    String source = """
        sources: [{name: apps, url: https://git.example/apps.git}]
        releaseController: {router: %s}
        """;

    assertThat(load(write(source.formatted("gateway-api"))).getReleaseController().getRouter())
        .isEqualTo(RouterKind.GATEWAY_API);
    assertThatThrownBy(() -> load(write(source.formatted("linkerd"))))
        .hasMessageContaining("releaseController.router must be istio or gateway-api");
  }

  @Test
  void anInvalidConfigurationNamesEveryProblem() throws Exception {
    Path file = write("""
        sources:
          - name: Apps_Repo
            url: ""
            interval: 1s
            credentials:
              token: {file: /a, env: B}
              username: git
          - name: infra
            url: https://git.example/infra.git
          - name: infra
            url: https://git.example/infra2.git
            sops: {}
        leaderElection:
          leaseDuration: 5s
          renewDeadline: 10s
        """);

    assertThatThrownBy(() -> load(file)).isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("sources[0].name must be a lowercase DNS label")
        .hasMessageContaining("sources[0].url must not be blank")
        .hasMessageContaining("sources[0].interval must be greater than or equal to 5 SECONDS")
        .hasMessageContaining("credentials: set a token, or a username with a password")
        .hasMessageContaining("every source needs a unique name")
        .hasMessageContaining("sops: set ageKeyFile, pgpKeyFile or both")
        .hasMessageContaining("retryPeriod < renewDeadline < leaseDuration");
  }

  @Test
  void secretsResolveFromFilesAndEnvironmentAndSayWhereTheyAreMissing() throws Exception {
    Path token = temp.resolve("token");
    Files.writeString(token, "s3cret\n");

    assertThat(new SecretRef(token.toString(), null).resolve(java.util.Map.of())).isEqualTo("s3cret");
    assertThat(new SecretRef(null, "TOKEN").resolve(java.util.Map.of("TOKEN", "abc"))).isEqualTo("abc");
    assertThatThrownBy(() -> new SecretRef(null, "MISSING").resolve(java.util.Map.of()))
        .hasMessage("the environment variable MISSING is not set");
  }

  @Test
  void anEmptyWebhookSecretIsAConfigurationError() throws Exception {
    Path empty = temp.resolve("webhook-secret");
    Files.writeString(empty, "\n");
    Path file = write("""
        sources:
          - name: apps
            url: https://git.example/apps.git
            webhookSecret: {file: %s}
          - name: infra
            url: https://git.example/infra.git
            webhookSecret: {env: ""}
        """.formatted(empty));

    assertThatThrownBy(() -> load(file)).isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("webhookSecret: the file " + empty + " of source apps is empty")
        .hasMessageContaining("webhookSecret: set exactly one of file or env");
    assertThatThrownBy(() -> new SecretRef(empty.toString(), null).resolve(java.util.Map.of()))
        .hasMessage("the secret in file " + empty + " is empty");
  }
}
