package io.keelson.release.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.release.api.MatchType;
import io.keelson.release.api.ReleaseIdentity;
import io.keelson.release.api.ServiceSpec;
import io.keelson.release.api.TestRoute;
import io.keelson.release.api.Verdict;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The gate's body and verdicts, decided apart from any HTTP. */
class TestRouteWebhookTest {

  private static final Instant START = Instant.parse("2026-11-22T03:00:00Z");
  private static final Instant END = START.plusSeconds(30);
  private static final TestRouteWebhook GATE = new TestRouteWebhook("https://qa:pw@ci.example.com/hooks/cart?token=t0k",
      "shop", "cart", "Testing", new ReleaseIdentity("abc123", "r2", 1),
      new ServiceSpec("cart", null, 80, null, null, null, null),
      new TestRoute("x-canary", new TestRoute.HeaderMatch(MatchType.EXACT, "insider"), "1m", null,
          "https://ci.example.com/hooks/cart"));

  @Test
  void thePayloadSaysWhatIsUnderTestAndHowToReachIt() throws Exception {
    JsonNode json = new ObjectMapper().readTree(GATE.payload());

    assertThat(json.path("policy").asText()).isEqualTo("cart");
    assertThat(json.path("namespace").asText()).isEqualTo("shop");
    assertThat(json.path("phase").asText()).isEqualTo("Testing");
    assertThat(json.path("candidate").asText()).isEqualTo("abc123");
    assertThat(json.path("revision").asText()).isEqualTo("r2");
    assertThat(json.path("attempt").asInt()).isEqualTo(1);
    assertThat(json.path("host").asText()).isEqualTo("cart.shop.svc.cluster.local");
    assertThat(json.path("canaryHost").asText()).isEqualTo("cart-canary.shop.svc.cluster.local");
    assertThat(json.path("testHeader").asText()).isEqualTo("x-canary");
    assertThat(json.path("testHeaderMatch").asText()).isEqualTo("exact");
    assertThat(json.path("testHeaderValue").asText()).isEqualTo("insider");
  }

  @Test
  void a2xxPasses() {
    Measurement measured = GATE.judge("testRoute.webhook", new WebhookAnswer.Answered(204, ""), START, END);

    assertThat(measured.verdict()).isEqualTo(Verdict.PASS);
    assertThat(measured.message()).isEqualTo("webhook answered 204");
    assertThat(measured.check()).isEqualTo("testRoute.webhook");
  }

  @Test
  void anyOtherStatusFailsWithTheBodysFirstLine() {
    Measurement measured = GATE.judge("testRoute.webhook",
        new WebhookAnswer.Answered(500, "\n  checkout smoke test: 3 of 20 failed  \nstack trace..."), START, END);

    assertThat(measured.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(measured.message()).isEqualTo("webhook answered 500: checkout smoke test: 3 of 20 failed");
    assertThat(GATE.judge("c", new WebhookAnswer.Answered(302, ""), START, END).verdict()).isEqualTo(Verdict.FAIL);
    assertThat(GATE.judge("c", new WebhookAnswer.Answered(404, "x".repeat(500)), START, END).message())
        .hasSize("webhook answered 404: ".length() + 200 + 1);
  }

  @Test
  void noAnswerIsAnError() {
    Measurement measured = GATE.judge("testRoute.webhook", new WebhookAnswer.Unanswered("connection refused"),
        START, END);

    assertThat(measured.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(measured.message()).isEqualTo("webhook unreachable: connection refused");
  }

  @Test
  void theEvidenceNamesTheWebhookWithoutItsCredentials() {
    Measurement measured = GATE.judge("testRoute.webhook", new WebhookAnswer.Answered(200, ""), START, END);

    assertThat(measured.query()).isEqualTo("POST https://ci.example.com/hooks/cart");
  }

  @Test
  void theAnalysisAsksTheCallerAndACallerThatThrowsIsAnError() {
    Analysis answering = new Analysis((promql, at) -> new QueryResult.NoData("none"),
        (url, json) -> new WebhookAnswer.Answered(200, ""));
    Analysis throwing = new Analysis((promql, at) -> new QueryResult.NoData("none"), (url, json) -> {
      throw new IllegalStateException("boom");
    });
    Analysis unwired = new Analysis((promql, at) -> new QueryResult.NoData("none"));

    assertThat(answering.gate(GATE, "testRoute.webhook", START, END).verdict()).isEqualTo(Verdict.PASS);
    assertThat(throwing.gate(GATE, "testRoute.webhook", START, END).verdict()).isEqualTo(Verdict.ERROR);
    assertThat(unwired.gate(GATE, "testRoute.webhook", START, END).message())
        .isEqualTo("webhook unreachable: no webhook caller is configured");
  }
}
