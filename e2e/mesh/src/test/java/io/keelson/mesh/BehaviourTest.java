package io.keelson.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BehaviourTest {

  private final Random random = new Random(3);
  private final MeshRequest plain = MeshRequest.to("cart", "/");

  @Test
  void anErrorRateOfOneFailsEveryRequestAndZeroNone() {
    Behaviour broken = Behaviour.of("shop/a", Map.of(Behaviour.ERROR_RATE, "1.0"));
    Behaviour healthy = Behaviour.of("shop/b", Map.of());

    for (int i = 0; i < 1_000; i++) {
      assertThat(broken.respond(plain, random).status()).isEqualTo(500);
      assertThat(healthy.respond(plain, random).status()).isEqualTo(200);
    }
  }

  @Test
  void aPartialErrorRateFailsThatShareOfRequests() {
    Behaviour flaky = Behaviour.of("shop/a", Map.of(Behaviour.ERROR_RATE, "0.25"));

    int failed = 0;
    for (int i = 0; i < 20_000; i++) {
      failed += flaky.respond(plain, random).status() == 500 ? 1 : 0;
    }

    assertThat(failed / 20_000.0).isCloseTo(0.25, within(0.015));
  }

  @Test
  void headerErrorsFailOnlyRequestsCarryingTheHeader() {
    Behaviour behaviour = Behaviour.of("shop/a", Map.of(Behaviour.HEADER_ERRORS, "X-Canary"));
    MeshRequest tagged = new MeshRequest("cart", "/", Map.of("x-canary", "yes"), null);

    for (int i = 0; i < 200; i++) {
      assertThat(behaviour.respond(tagged, random).status()).isEqualTo(500);
      assertThat(behaviour.respond(plain, random).status()).isEqualTo(200);
    }
  }

  @Test
  void latencyIsSampledAroundTheTypicalValueAndNeverNegative() {
    Behaviour behaviour = Behaviour.of("shop/a", Map.of(Behaviour.LATENCY_MS, "40"));
    double[] samples = new double[10_001];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = behaviour.respond(plain, random).latencyMs();
    }
    java.util.Arrays.sort(samples);

    assertThat(samples[0]).isPositive();
    assertThat(samples[samples.length / 2]).isCloseTo(40, within(2.0));
    assertThat(samples[samples.length / 10]).isBetween(20.0, 35.0);
    assertThat(Behaviour.of("shop/a", Map.of()).latencyMs()).isEqualTo(5);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lots", "1.5", "-0.1", "NaN", "", "50%"})
  void aMalformedErrorRateMeansNoErrors(String value) {
    assertThat(Behaviour.of("shop/a", Map.of(Behaviour.ERROR_RATE, value))).isEqualTo(Behaviour.DEFAULT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"slow", "-3", "NaN", "Infinity", "", "20ms"})
  void aMalformedLatencyMeansTheDefaultLatency(String value) {
    Behaviour behaviour = Behaviour.of("shop/a", Map.of(Behaviour.LATENCY_MS, value, Behaviour.ERROR_RATE, "0.5"));

    assertThat(behaviour.latencyMs()).isEqualTo(Behaviour.DEFAULT.latencyMs());
    assertThat(behaviour.errorRate()).isEqualTo(0.5);
  }
}
