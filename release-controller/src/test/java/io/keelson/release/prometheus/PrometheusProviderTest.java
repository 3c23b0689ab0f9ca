package io.keelson.release.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.keelson.release.analysis.QueryResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading Prometheus' answers, and the shape of the requests; the real server is in PrometheusAnalysisIT. */
class PrometheusProviderTest {

  private HttpServer stub;
  /** Released when the test ends, so a stub that never answers lets its handler thread go. */
  private final CountDownLatch testEnded = new CountDownLatch(1);

  @AfterEach
  void stopStub() {
    testEnded.countDown();
    if (stub != null) {
      stub.stop(0);
    }
  }

  static Stream<Arguments> answers() {
    return Stream.of(
        Arguments.of("one series", 200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
                + "[{\"metric\":{},\"value\":[1893492000,\"0.125\"]}]}}",
            new QueryResult.Value(0.125)),
        Arguments.of("no series", 200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}",
            new QueryResult.NoData("no series")),
        Arguments.of("NaN", 200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
                + "[{\"metric\":{},\"value\":[1893492000,\"NaN\"]}]}}",
            new QueryResult.NoData("NaN")),
        Arguments.of("+Inf", 200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
                + "[{\"metric\":{},\"value\":[1893492000,\"+Inf\"]}]}}",
            new QueryResult.Value(Double.POSITIVE_INFINITY)),
        Arguments.of("-Inf", 200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1893492000,\"-Inf\"]}}",
            new QueryResult.Value(Double.NEGATIVE_INFINITY)),
        Arguments.of("a scalar", 200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1893492000,\"42\"]}}",
            new QueryResult.Value(42)),
        Arguments.of("several series", 200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                + "{\"metric\":{\"code\":\"200\"},\"value\":[1893492000,\"1\"]},"
                + "{\"metric\":{\"code\":\"500\"},\"value\":[1893492000,\"2\"]}]}}",
            new QueryResult.Failed("the query returned 2 series where one number is needed;"
                + " aggregate it, e.g. with sum()")),
        Arguments.of("a range vector", 200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}",
            new QueryResult.Failed("the query returned a matrix result where an instant vector or scalar"
                + " is needed")),
        Arguments.of("a rejected query", 400,
            "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error: unexpected end\"}",
            new QueryResult.Failed("Prometheus rejected the query (HTTP 400, bad_data): parse error: unexpected end")),
        Arguments.of("a proxy's error page", 502, "<html>\n  Bad Gateway\n</html>",
            new QueryResult.Failed("HTTP 502 from Prometheus, not a JSON answer: <html> Bad Gateway </html>")),
        Arguments.of("an unreadable value", 200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1893492000,\"many\"]}}",
            new QueryResult.Failed("unreadable sample value in Prometheus' answer: many")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("answers")
  void readsAnAnswer(String situation, int status, String body, QueryResult expected) {
    assertThat(PrometheusProvider.parse(status, body)).isEqualTo(expected);
  }

  @Test
  void sendsTheQueryTheEvaluationTimeTheServerTimeoutAndTheBearerToken() throws IOException {
    AtomicReference<String> request = new AtomicReference<>();
    AtomicReference<String> authorization = new AtomicReference<>();
    URI url = serve(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"7\"]}}",
        true, request, authorization);
    PrometheusProvider provider = new PrometheusProvider(url.resolve("/prometheus/"),
        PrometheusProvider.Options.defaults().withBearerToken("s3cret").withRequestTimeout(Duration.ofSeconds(3)));

    QueryResult result = provider.query("sum(up{job=\"a b\"})", Instant.parse("2030-01-01T10:00:00.250Z"));

    assertThat(result).isEqualTo(new QueryResult.Value(7));
    assertThat(URLDecoder.decode(request.get(), StandardCharsets.UTF_8))
        .isEqualTo("/prometheus/api/v1/query?query=sum(up{job=\"a b\"})&time=1893492000.250&timeout=3000ms");
    assertThat(authorization.get()).isEqualTo("Bearer s3cret");
    assertThat(provider.toString()).doesNotContain("s3cret");
  }

  @Test
  void aServerThatNeverAnswersIsAFailureAfterTheRequestTimeout() throws IOException {
    // The stub never answers, so only the request timeout can end the query: no race with a slow answer.
    // The connect timeout is long enough that a loaded machine's slow accept cannot be mistaken for it.
    URI url = serve(200, "{}", false, new AtomicReference<>(), new AtomicReference<>());
    PrometheusProvider provider = new PrometheusProvider(url, PrometheusProvider.Options.defaults()
        .withConnectTimeout(Duration.ofSeconds(60)).withRequestTimeout(Duration.ofSeconds(1)));

    QueryResult result = provider.query("vector(1)", Instant.parse("2030-01-01T10:00:00Z"));

    assertThat(result).isInstanceOf(QueryResult.Failed.class);
    assertThat(((QueryResult.Failed) result).reason()).endsWith("did not answer within 1000ms");
  }

  @Test
  void noTokenMeansNoAuthorizationHeader() throws IOException {
    AtomicReference<String> authorization = new AtomicReference<>("unset");
    URI url = serve(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}",
        true, new AtomicReference<>(), authorization);

    QueryResult result = new PrometheusProvider(url, PrometheusProvider.Options.defaults())
        .query("vector(1)", Instant.parse("2030-01-01T10:00:00Z"));

    assertThat(result).isEqualTo(new QueryResult.NoData("no series"));
    assertThat(authorization.get()).isNull();
  }

  private URI serve(int status, String body, boolean answers, AtomicReference<String> request,
      AtomicReference<String> authorization) throws IOException {
    stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    stub.createContext("/", exchange -> {
      request.set(exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery());
      authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
      if (!answers) {
        try {
          testEnded.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        exchange.close();
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      try {
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      } catch (IOException e) {
        // The client gave up; nothing to answer.
      } finally {
        exchange.close();
      }
    });
    stub.start();
    return URI.create("http://127.0.0.1:" + stub.getAddress().getPort());
  }
}
