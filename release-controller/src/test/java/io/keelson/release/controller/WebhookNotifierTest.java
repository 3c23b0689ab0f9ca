package io.keelson.release.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.keelson.release.api.Notifications;
import io.keelson.release.api.ReleaseIdentity;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicySpec;
import io.keelson.release.strategy.ReleaseEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A phase change reaches every notification webhook of the policy as JSON, over real HTTP. */
class WebhookNotifierTest {

  @Test
  void aPhaseChangeIsPostedToTheWebhooks() throws Exception {
    BlockingQueue<String> received = new ArrayBlockingQueue<>(2);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    server.createContext("/hook", exchange -> {
      received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
    try {
      ReleasePolicy policy = new ReleasePolicy();
      policy.getMetadata().setNamespace("shop");
      policy.getMetadata().setName("cart");
      ReleasePolicySpec spec = new ReleasePolicySpec();
      spec.setNotifications(new Notifications(List.of(
          "http://127.0.0.1:" + server.getAddress().getPort() + "/hook")));
      policy.setSpec(spec);

      new WebhookNotifier().changed(policy, new ReleaseEvent(new ReleaseIdentity("abc123", "r2", 1),
          ReleasePhase.Progressing, ReleasePhase.RollingBack, 2, "check errors failed"));

      String body = received.poll(10, TimeUnit.SECONDS);
      assertThat(body).isNotNull();
      JsonNode json = new ObjectMapper().readTree(body);
      assertThat(json.path("policy").asText()).isEqualTo("cart");
      assertThat(json.path("namespace").asText()).isEqualTo("shop");
      assertThat(json.path("from").asText()).isEqualTo("Progressing");
      assertThat(json.path("to").asText()).isEqualTo("RollingBack");
      assertThat(json.path("candidate").asText()).isEqualTo("abc123");
      assertThat(json.path("reason").asText()).isEqualTo("check errors failed");
    } finally {
      server.stop(0);
    }
  }
}
