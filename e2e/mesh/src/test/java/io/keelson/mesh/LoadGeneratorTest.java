package io.keelson.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

  private final MeshState state = new MeshFixture()
      .service("shop", "cart", Map.of("app", "cart"))
      .pod("shop", "cart-a", Map.of("app", "cart"), Map.of(Behaviour.LATENCY_MS, "2000"))
      .state();
  private final LoadGenerator load = new LoadGenerator(new DataPlane(() -> state, new Random(1), new Telemetry()));

  @Test
  void sendsAtTheConfiguredRateWithoutWaitingForTheSimulatedLatency() throws InterruptedException {
    load.setSources(List.of(new TrafficSource("cart.shop", 400, Map.of(), "frontend", "web")));
    load.start();
    try {
      Thread.sleep(2_000);
      load.stop();
      long sent = load.requestsSent();
      // 2 s latency per request, yet about 800 requests in 2 s.
      assertThat(sent).isBetween(640L, 880L);

      Thread.sleep(200);
      assertThat(load.requestsSent()).as("nothing after stop").isEqualTo(sent);

      load.setSources(List.of());
      load.start();
      Thread.sleep(300);
      assertThat(load.requestsSent()).as("no sources, no requests").isEqualTo(sent);
    } finally {
      load.close();
    }
  }
}
