package io.keelson.agent.resources;

import static io.keelson.agent.cli.StatusFixtures.NOT_CONVERGED;
import static io.keelson.agent.cli.StatusFixtures.converged;
import static io.keelson.agent.cli.StatusFixtures.failing;
import static io.keelson.agent.cli.StatusFixtures.idle;
import static io.keelson.agent.cli.StatusFixtures.progressing;
import static io.keelson.agent.cli.StatusFixtures.stale;
import static io.keelson.agent.cli.StatusFixtures.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dropwizard.jackson.Jackson;
import io.keelson.agent.api.StatusView;
import io.keelson.agent.api.StatusView.RevisionView;
import io.keelson.agent.api.StatusView.SourceView;
import jakarta.ws.rs.core.Response;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status page as a browser shows it: the page from {@link StatusPageResource} and a status produced by Jackson,
 * served on 127.0.0.1, rendered by headless Chromium; assertions on the DOM it leaves and on a screenshot.
 */
class StatusPageIT {

  private static final String SCRIPT_PAYLOAD =
      "<script>document.body.setAttribute('data-pwned','script')</script>"
          + "<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">";
  private static final Path SCREENSHOTS = Path.of("target", "status-page");

  private final ObjectMapper json = Jackson.newObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private final AtomicInteger statusRequests = new AtomicInteger();
  private volatile int answersBeforeOutage = Integer.MAX_VALUE;
  private volatile StatusView status = status(List.of(), List.of());
  private HttpServer server;
  private Path workDir;

  @BeforeEach
  void serve() throws IOException {
    StatusPageResource resource = new StatusPageResource();
    Response page = resource.page();
    String html = (String) page.getEntity();
    String cacheControl = page.getHeaderString("Cache-Control");
    String csp = page.getHeaderString("Content-Security-Policy");

    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      if (!exchange.getRequestURI().getPath().equals("/")) {
        send(exchange, 404, "text/plain", "not found");
        return;
      }
      exchange.getResponseHeaders().add("Cache-Control", cacheControl);
      exchange.getResponseHeaders().add("Content-Security-Policy", csp);
      send(exchange, 200, "text/html; charset=UTF-8", html);
    });
    server.createContext("/api/v1/status", exchange -> {
      if (statusRequests.incrementAndGet() > answersBeforeOutage) {
        send(exchange, 503, "text/plain", "unavailable");
        return;
      }
      send(exchange, 200, "application/json", json.writeValueAsString(status));
    });
    server.start();
    workDir = Files.createTempDirectory("keelson-status-page");
  }

  @AfterEach
  void stop() throws IOException {
    server.stop(0);
    try (Stream<Path> files = Files.walk(workDir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }

  @Test
  void resourceServesThePageUncachedWithAPolicyThatAllowsOnlyItsOwnScript() {
    Response page = new StatusPageResource().page();

    assertThat(page.getStatus()).isEqualTo(200);
    assertThat(page.getHeaderString("Cache-Control")).isEqualTo("no-cache");
    assertThat(page.getHeaderString("Content-Security-Policy"))
        .startsWith("default-src 'none'; script-src 'sha256-")
        .contains("connect-src 'self'")
        .doesNotContain("unsafe-inline");
    assertThat((String) page.getEntity()).startsWith("<!doctype html>")
        .doesNotContain("http://", "https://", "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write");
  }

  @Test
  void theOnCallEngineerSeesWhatFailsWhereAndTheReleaseInFlight() throws Exception {
    status = status(List.of(converged(), failing(), hostile(stale())), List.of(progressing(), idle()));

    String dom = chromium("--dump-dom", url());

    assertThat(dom).contains("shop", "Failed", "apps/cart.yaml:12", NOT_CONVERGED,
        "Progressing", "Canary ", "20%", "alice", "the current step has a FAIL", "platform", "Ready", "billing", "Stale",
        "git.example.com: connection timed out", "shop/cart", "Last verdicts", "Inconclusive",
        "via Gateway API HTTPRoute", "via Istio VirtualService");
    assertThat(dom).as("an earlier sync that deleted and failed objects is still shown")
        .contains("Recent syncs (2)", "ConfigMap shop/legacy deleted", "exceeded quota: shop-quota");
    assertThat(dom).as("ordered worst first").containsSubsequence("Source shop", "Source billing", "Source platform");
    assertThat(dom).as("the tab names the worst state").contains("<title>✕ Failed — Keelson status</title>");
    assertThat(statusRequests.get()).as("polled again within the time budget").isGreaterThanOrEqualTo(2);

    assertThat(dom).as("markup in a status value is shown as text")
        .contains("&lt;script&gt;document.body.setAttribute('data-pwned','script')&lt;/script&gt;&lt;img src=x");
    assertThat(dom).as("and never runs").doesNotContain("data-pwned=\"").doesNotContain("<img");

    Path wide = screenshot("status-1280.png", 1280, 900);
    Path phone = screenshot("status-phone.png", 390, 1600);
    assertPng(wide, 1280, 900);
    assertPng(phone, 390, 1600);
  }

  @Test
  void whenTheAgentStopsAnsweringThePageKeepsTheLastDataAndSaysHowOldItIs() throws Exception {
    status = status(List.of(failing()), List.of(progressing()));
    answersBeforeOutage = 1;

    String dom = chromium("--dump-dom", url());

    assertThat(dom).contains("Cannot reach the agent (HTTP 503). Showing data that is", "s old.")
        .contains("apps/cart.yaml:12", "Progressing");
  }

  @Test
  void withNothingConfiguredThePageSaysSoKindly() throws Exception {
    status = status(List.of(), List.of());

    String dom = chromium("--dump-dom", url());

    assertThat(dom).contains("No sources yet", "No release policies", "Leader").doesNotContain("Loading status");
  }

  @Test
  void beforeAnyAnswerThePageSaysItCannotReachTheAgent() throws Exception {
    answersBeforeOutage = 0;

    String dom = chromium("--dump-dom", url());

    assertThat(dom).contains("Cannot reach the agent (HTTP 503). No status to show yet");
  }

  /** A stale source whose fetched commit message carries markup, as any Git author could write. */
  private static SourceView hostile(SourceView s) {
    RevisionView fetched = new RevisionView("0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e", "Mallory <m@example.com>",
        SCRIPT_PAYLOAD, s.applied().time().plusSeconds(60));
    return new SourceView(s.name(), s.url(), s.ref(), s.paths(), s.state(), s.notConverged(), fetched, s.applied(),
        s.lastSync(), s.stale(), s.staleReason(), s.lastFetchAt(), s.errors(), s.driftCorrections(), s.prunes(),
        s.recentSyncs());
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  private Path screenshot(String name, int width, int height) throws Exception {
    Files.createDirectories(SCREENSHOTS);
    Path file = SCREENSHOTS.resolve(name).toAbsolutePath();
    Files.deleteIfExists(file);
    chromium("--screenshot=" + file, "--window-size=" + width + "," + height, "--hide-scrollbars", url());
    return file;
  }

  private static void assertPng(Path file, int width, int height) throws IOException {
    assertThat(file).exists();
    byte[] png = Files.readAllBytes(file);
    assertThat(png.length).as("a rendered page, not a blank image").isGreaterThan(20_000);
    assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    ByteBuffer header = ByteBuffer.wrap(png, 16, 8);
    assertThat(header.getInt()).as("width").isEqualTo(width);
    assertThat(header.getInt()).as("height").isEqualTo(height);
  }

  /** Runs headless Chromium with a fresh profile; returns what it prints on standard output. */
  private String chromium(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(chromiumBinary(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(workDir, "profile"),
        "--virtual-time-budget=10000"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(workDir, "chromium", ".out");
    Path err = Files.createTempFile(workDir, "chromium", ".err");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        fail("Chromium did not finish within 90 s: " + command + "\n" + Files.readString(err));
      }
    } finally {
      process.destroyForcibly();
    }
    assertThat(process.exitValue()).as("Chromium exit code; stderr:\n%s", Files.readString(err)).isZero();
    return Files.readString(out);
  }

  private static String chromiumBinary() {
    String configured = System.getenv("KEELSON_CHROMIUM");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "chromium");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return fail("The status page test needs headless Chromium and found no 'chromium' on PATH. Install it with "
        + "'apt-get install -y chromium' (Debian; e2e/bin/test does this when run as root), or set KEELSON_CHROMIUM "
        + "to the browser's path.");
  }

  private static void send(HttpExchange exchange, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
