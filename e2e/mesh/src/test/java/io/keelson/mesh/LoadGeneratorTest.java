package io.keelson.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load generator driven by hand: a clock the test moves and a ticker the test fires, so every count is
 * exact and nothing depends on how fast the machine is.
 */
class LoadGeneratorTest {

  private static final long TICK_NANOS = 20_000_000;

  private final MeshState state = new MeshFixture()
      .service("shop", "cart", Map.of("app", "cart"))
      .pod("shop", "cart-a", Map.of("app", "cart"), Map.of(Behaviour.LATENCY_MS, "2000"))
      .state();
  private final HandTicker ticker = new HandTicker();
  private long now;
  private final LoadGenerator load = new LoadGenerator(new DataPlane(() -> state, new Random(1), new Telemetry()),
      () -> now, ticker);

  @AfterEach
  void close() {
    load.close();
  }

  // Each request is simulated to take 2 s; were they waited for, 800 of them would take half an hour.
  @Test
  @Timeout(60)
  void sendsAtTheConfiguredRateWithoutWaitingForTheSimulatedLatency() {
    send(400);

    ticks(100);

    assertThat(load.requestsSent()).as("2 s at 400 requests per second").isEqualTo(800);
  }

  @Test
  void fractionsOfARequestCarryOverToTheNextTick() {
    send(25);

    ticks(50);

    assertThat(load.requestsSent()).as("1 s at 25 requests per second, half a request per tick").isEqualTo(25);
  }

  @Test
  void afterAStallAtMostOneSecondOfBacklogIsSent() {
    send(400);

    now += 10_000_000_000L;
    ticker.fire();

    assertThat(load.requestsSent()).isEqualTo(400);
  }

  @Test
  void nothingIsSentAfterStopOrWithoutSources() {
    send(400);
    ticks(10);
    long sent = load.requestsSent();

    load.stop();

    assertThat(ticker.active()).as("ticks scheduled after stop").isZero();
    assertThat(load.running()).isFalse();
    load.setSources(List.of());
    load.start();
    ticks(10);
    assertThat(load.requestsSent()).as("no sources, no requests").isEqualTo(sent);
  }

  private void send(double requestsPerSecond) {
    load.setSources(List.of(new TrafficSource("cart.shop", requestsPerSecond, Map.of(), "frontend", "web")));
    load.start();
  }

  private void ticks(int count) {
    for (int i = 0; i < count; i++) {
      now += TICK_NANOS;
      ticker.fire();
    }
  }

  /** Runs the scheduled ticks when the test says so; a stopped schedule never runs again. */
  private static final class HandTicker implements LoadGenerator.Ticker {

    private final List<Runnable> scheduled = new ArrayList<>();

    @Override
    public Runnable every(long periodMillis, Runnable tick) {
      scheduled.add(tick);
      return () -> scheduled.remove(tick);
    }

    int active() {
      return scheduled.size();
    }

    void fire() {
      List.copyOf(scheduled).forEach(Runnable::run);
    }

    @Override
    public void close() {
      scheduled.clear();
    }
  }
}
