package io.keelson.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.keelson.agent.charts.HttpChartSource;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.model.Rendered;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code helmCharts} entry whose chart lives in an HTTP chart repository with basic auth: a real chart
 * packaged and indexed by the pinned Helm, served on loopback, pulled by the agent with the configured
 * credentials and built by the pinned Kustomize.
 */
class ChartRepositoryIT {

  private static final String USER = "reader";
  private static final String PASSWORD = "sentinel-chart-password";

  @TempDir Path root;
  @TempDir Path served;
  private HttpServer server;
  private String url;
  private final AtomicInteger authorized = new AtomicInteger();

  @BeforeEach
  void serveARepository(@TempDir Path source) throws Exception {
    new Tree(source)
        .file("web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.2.0\n")
        .file("web/values.yaml", "greeting: hello\n")
        .file("web/templates/settings.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: {{ .Release.Name }}-settings}
            data: {greeting: {{ .Values.greeting | quote }}}
            """);
    helm("package", source.resolve("web").toString(), "--destination", served.toString());
    helm("repo", "index", served.toString());

    String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
        .getBytes(StandardCharsets.UTF_8));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/charts/", exchange -> {
      try (exchange) {
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
          exchange.sendResponseHeaders(401, -1);
          return;
        }
        authorized.incrementAndGet();
        Path file = served.resolve(exchange.getRequestURI().getPath().substring("/charts/".length()));
        if (!Files.isRegularFile(file)) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        byte[] body = Files.readAllBytes(file);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
    });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort() + "/charts";
    new Tree(root).file("envs/prod/kustomization.yaml", """
        helmCharts:
          - name: web
            repo: %s
            version: 0.2.0
            releaseName: shop-web
            valuesInline: {greeting: from-git}
        """.formatted(url));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private Rendered render(String password) {
    RenderTools tools = PinnedTools.both()
        .withChartRepositories(List.of(new ChartRepository(url + "/", () -> USER, () -> password)),
            new HttpChartSource(Duration.ofSeconds(30), 1 << 20));
    return new ManifestRenderer(RenderOptions.defaults("apps").withTools(tools))
        .render(root, List.of("envs/prod"), Kinds.CLUSTER);
  }

  @Test
  void theRightCredentialsPullTheChartAndKustomizeBuildsIt() throws IOException {
    Rendered rendered = render(PASSWORD);

    assertThat(rendered.errors()).isEmpty();
    assertThat(RenderedObjects.find(rendered, "ConfigMap apps/shop-web-settings").object()
        .getAdditionalProperties().get("data").toString()).contains("greeting=from-git");
    assertThat(authorized).hasValue(2); // index.yaml, then the package
    // The checkout is left as Git has it: the chart was unpacked in a copy.
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile).map(root::relativize).map(Path::toString))
          .containsExactly("envs/prod/kustomization.yaml");
    }
  }

  @Test
  void wrongCredentialsAreOneErrorNamingTheRepositoryNeverThePassword() {
    Rendered rendered = render("wrong-" + PASSWORD);

    assertThat(rendered.errors()).extracting(RenderError::toString).containsExactly(
        "envs/prod/kustomization.yaml: cannot pull chart web 0.2.0 from chart repository " + url
            + ": the repository refused the credentials configured for it (HTTP 401)");
    assertThat(rendered.errors().toString()).doesNotContain(PASSWORD).doesNotContain(USER);
    assertThat(authorized).hasValue(0);
  }

  @Test
  void aVersionTheRepositoryDoesNotHaveIsNamed() throws IOException {
    Files.writeString(root.resolve("envs/prod/kustomization.yaml"),
        Files.readString(root.resolve("envs/prod/kustomization.yaml")).replace("0.2.0", "9.9.9"));

    Rendered rendered = render(PASSWORD);

    assertThat(rendered.errors()).extracting(RenderError::toString).containsExactly(
        "envs/prod/kustomization.yaml: cannot pull chart web 9.9.9 from chart repository " + url
            + ": the repository's index has no such version");
  }

  private static void helm(String... arguments) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(PinnedTools.helm()));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new UncheckedIOException(new IOException("helm " + String.join(" ", arguments) + ": " + output));
    }
  }
}
