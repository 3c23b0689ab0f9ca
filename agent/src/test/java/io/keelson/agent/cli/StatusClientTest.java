package io.keelson.agent.cli;

import static io.keelson.agent.cli.StatusFixtures.converged;
import static io.keelson.agent.cli.StatusFixtures.failing;
import static io.keelson.agent.cli.StatusFixtures.progressing;
import static io.keelson.agent.cli.StatusFixtures.stale;
import static io.keelson.agent.cli.StatusFixtures.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dropwizard.jackson.Jackson;
import io.keelson.agent.api.StatusView;
import io.keelson.agent.cli.StatusClient.StatusException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Talks to a real HTTP server on 127.0.0.1 that answers as the agent would, or fails as it might. */
class StatusClientTest {

  private static final StatusView STATUS =
      status(List.of(converged(), failing(), stale()), List.of(progressing()));

  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;
  private volatile int code = 200;
  private volatile String body;
  private volatile String path;

  @BeforeEach
  void serve() throws IOException {
    body = agentJson().writeValueAsString(STATUS);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      path = exchange.getRequestURI().getPath();
      send(exchange, path.endsWith("/api/v1/status") ? code : 404, body);
    });
    server.createContext("/slow", exchange -> {
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      send(exchange, 200, body);
    });
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  /** As the agent writes it: Dropwizard's mapper, Instants as ISO-8601 strings. */
  private static ObjectMapper agentJson() {
    return Jackson.newObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  }

  private URI base(String suffix) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + suffix);
  }

  @Test
  void readsTheStatusTheAgentWrote() throws Exception {
    StatusView fetched = new StatusClient().fetch(base(""));

    assertThat(fetched).isEqualTo(STATUS);
    assertThat(path).isEqualTo("/api/v1/status");
  }

  @Test
  void alsoReadsInstantsWrittenAsNumbersAndIgnoresFieldsItDoesNotKnow() throws Exception {
    String numeric = Jackson.newObjectMapper().enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .writeValueAsString(STATUS);
    body = numeric.replaceFirst("\\{", "{\"addedInALaterVersion\":{\"x\":1},");

    assertThat(new StatusClient().fetch(base(""))).isEqualTo(STATUS);
  }

  @ParameterizedTest(name = "base path \"{0}\"")
  @CsvSource({
      "'', /api/v1/status",
      "/, /api/v1/status",
      "/keelson, /keelson/api/v1/status",
      "/keelson/, /keelson/api/v1/status"})
  void keepsThePathPrefixTheAgentIsServedUnder(String prefix, String expectedPath) throws Exception {
    new StatusClient().fetch(base(prefix));

    assertThat(path).isEqualTo(expectedPath);
  }

  @Test
  void anAnswerOtherThan200SaysWhatTheAgentAnswered() {
    code = 503;
    body = "leader election\u001b[2J in progress";

    assertThatThrownBy(() -> new StatusClient().fetch(base("")))
        .isInstanceOf(StatusException.class)
        .hasMessage("the agent at " + base("/api/v1/status") + " answered HTTP 503: leader election [2J in progress");
  }

  @Test
  void aBodyThatIsNotAStatusIsAClearError() {
    body = "<html>login</html>";

    assertThatThrownBy(() -> new StatusClient().fetch(base("")))
        .isInstanceOf(StatusException.class)
        .hasMessageStartingWith("the agent at " + base("/api/v1/status") + " answered with something that is not a "
            + "status: ");
  }

  @Test
  void anUnreachableAgentIsAClearError() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    URI url = URI.create("http://127.0.0.1:" + closedPort);

    assertThatThrownBy(() -> new StatusClient().fetch(url))
        .isInstanceOf(StatusException.class)
        .hasMessage("cannot reach the agent at " + url + "/api/v1/status: connection refused");
  }

  @Test
  void anAgentThatDoesNotAnswerInTimeIsAClearError() {
    StatusClient client = new StatusClient(Duration.ofMillis(300));

    assertThatThrownBy(() -> client.fetch(base("/slow/")))
        .isInstanceOf(StatusException.class)
        .hasMessage("the agent at " + base("/slow/api/v1/status") + " did not answer within 300 ms");
  }

  @Test
  void theDefaultTimeoutIsTenSeconds() {
    assertThat(StatusClient.DEFAULT_TIMEOUT).isEqualTo(Duration.ofSeconds(10));
  }

  @ParameterizedTest
  @CsvSource({"localhost:8080", "ftp://host/", "/api", "http:///nohost"})
  void onlyAbsoluteHttpUrlsAreAccepted(String url) {
    assertThatThrownBy(() -> new StatusClient().fetch(URI.create(url)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute http or https URL");
  }

  private static void send(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
