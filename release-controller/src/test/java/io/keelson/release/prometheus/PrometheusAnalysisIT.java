package io.keelson.release.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.release.analysis.Analysis;
import io.keelson.release.analysis.ArmCounts;
import io.keelson.release.analysis.CheckContext;
import io.keelson.release.analysis.Measurement;
import io.keelson.release.api.Check;
import io.keelson.release.api.Verdict;
import io.keelson.testkit.IstioTelemetry;
import io.keelson.testkit.LoopbackPorts;
import io.keelson.testkit.PrometheusExtension;
import io.keelson.testkit.PrometheusServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The analysis against a real Prometheus scraping Istio-shaped telemetry that the test produces: every query
 * the checks send is real PromQL over real samples, and every window is a real time range.
 */
@ExtendWith(PrometheusExtension.class)
class PrometheusAnalysisIT {

  private static final Duration BURST = Duration.ofMillis(250);
  private static final int BURSTS = 12;

  private static final Check ERROR_RATE = new Check("error-rate", 20L, new Check.ErrorRate(0.05), null, null, null);
  private static final Check ERRORS_VS_STABLE = new Check("errors-vs-stable", 20L, null, null,
      new Check.Comparison(Check.ComparisonMetric.ERROR_RATE, null, 0.02), null);
  private static final Check P99 = new Check("p99", 20L, null, new Check.Latency(0.99, 250.0), null, null);
  private static final Check P99_VS_STABLE = new Check("p99-vs-stable", 20L, null, null,
      new Check.Comparison(Check.ComparisonMetric.LATENCY, 0.99, 0.5), null);

  /** A burst of traffic every 250 ms for 3 s. */
  interface Burst {
    void serve();
  }

  private static void drive(Burst burst) throws InterruptedException {
    for (int i = 0; i < BURSTS; i++) {
      burst.serve();
      Thread.sleep(BURST.toMillis());
    }
  }

  /** A window start with a scrape of the unchanged counters inside the window before traffic starts. */
  private static Instant startWindow(IstioTelemetry istio) {
    Instant start = Instant.now();
    istio.awaitScrapeAfter(start);
    return start;
  }

  /** Bursts of traffic in a window of their own: its start, once Prometheus scraped them all. */
  private static Instant served(IstioTelemetry istio, Burst burst) throws InterruptedException {
    Instant start = startWindow(istio);
    drive(burst);
    istio.awaitScraped();
    return start;
  }

  private static Analysis analysis(PrometheusServer prometheus) {
    return new Analysis(new PrometheusProvider(prometheus.url(), PrometheusProvider.Options.defaults()));
  }

  private static Map<String, Measurement> byCheck(List<Measurement> measurements) {
    return measurements.stream().collect(Collectors.toMap(Measurement::check, m -> m));
  }

  @Test
  void aCanaryWithTenPercent5xxFailsAndAHealthyCanaryPasses(PrometheusServer prometheus) throws Exception {
    try (IstioTelemetry istio = new IstioTelemetry(prometheus, "errors",
        "shop", "shop-canary", "cart", "cart-canary")) {
      Instant start = served(istio, () -> {
        istio.serve("shop", 20, "200", 20);
        istio.serve("shop-canary", 9, "200", 20);
        istio.serve("shop-canary", 1, "503", 20);
        istio.serve("cart", 20, "200", 20);
        istio.serve("cart-canary", 10, "200", 20);
      });
      Instant end = Instant.now();

      Map<String, Measurement> bad = byCheck(analysis(prometheus).run(List.of(ERROR_RATE, ERRORS_VS_STABLE),
          CheckContext.forDeployment("errors", "shop", start, end)));
      Map<String, Measurement> healthy = byCheck(analysis(prometheus).run(List.of(ERROR_RATE, ERRORS_VS_STABLE),
          CheckContext.forDeployment("errors", "cart", start, end)));

      assertThat(bad.get("error-rate").verdict()).as(bad.get("error-rate").message()).isEqualTo(Verdict.FAIL);
      assertThat(bad.get("error-rate").value()).isBetween(0.08, 0.12);
      assertThat(bad.get("error-rate").samples()).isBetween(80L, 160L);
      assertThat(bad.get("errors-vs-stable").verdict()).isEqualTo(Verdict.FAIL);
      assertThat(healthy.get("error-rate").verdict()).as(healthy.get("error-rate").message())
          .isEqualTo(Verdict.PASS);
      assertThat(healthy.get("error-rate").value()).isZero();
      assertThat(healthy.get("errors-vs-stable").verdict()).isEqualTo(Verdict.PASS);
    }
  }

  @Test
  void aSlowCanaryFailsTheLatencyChecksAndAFastOnePasses(PrometheusServer prometheus) throws Exception {
    try (IstioTelemetry istio = new IstioTelemetry(prometheus, "latency",
        "shop", "shop-canary", "cart", "cart-canary")) {
      Instant start = served(istio, () -> {
        istio.serve("shop", 20, "200", 20);
        istio.serve("shop-canary", 10, "200", 400);
        istio.serve("cart", 20, "200", 20);
        istio.serve("cart-canary", 10, "200", 22);
      });
      Instant end = Instant.now();

      Map<String, Measurement> slow = byCheck(analysis(prometheus).run(List.of(P99, P99_VS_STABLE),
          CheckContext.forDeployment("latency", "shop", start, end)));
      Map<String, Measurement> fast = byCheck(analysis(prometheus).run(List.of(P99, P99_VS_STABLE),
          CheckContext.forDeployment("latency", "cart", start, end)));

      assertThat(slow.get("p99").verdict()).as(slow.get("p99").message()).isEqualTo(Verdict.FAIL);
      assertThat(slow.get("p99").value()).isBetween(250.0, 500.0);
      assertThat(slow.get("p99-vs-stable").verdict()).isEqualTo(Verdict.FAIL);
      assertThat(fast.get("p99").verdict()).as(fast.get("p99").message()).isEqualTo(Verdict.PASS);
      assertThat(fast.get("p99").value()).isBetween(10.0, 25.0);
      assertThat(fast.get("p99-vs-stable").verdict()).as(fast.get("p99-vs-stable").message())
          .isEqualTo(Verdict.PASS);
    }
  }

  @Test
  void theSequentialTestsCountsAreTheWindowsRequestsErrorsAndSlowRequests(PrometheusServer prometheus)
      throws Exception {
    try (IstioTelemetry istio = new IstioTelemetry(prometheus, "sequential", "shop", "shop-canary")) {
      Instant start = served(istio, () -> {
        istio.serve("shop", 20, "200", 20);
        istio.serve("shop-canary", 7, "200", 20);
        istio.serve("shop-canary", 2, "200", 400);
        istio.serve("shop-canary", 1, "503", 20);
      });
      CheckContext window = CheckContext.forDeployment("sequential", "shop", start, Instant.now());

      ArmCounts errors = analysis(prometheus).counts(window).orElseThrow();
      ArmCounts slow = analysis(prometheus).slowCounts(window, 250.0).orElseThrow();

      // 12 bursts, counted exactly: the counters at the end less those at the start.
      assertThat(errors).isEqualTo(new ArmCounts(120, 12, 240, 0));
      assertThat(slow).as("slower than 250 ms").isEqualTo(new ArmCounts(120, 24, 240, 0));
    }
  }

  @Test
  void theSequentialCountsAreExactAtTheFirstScrapeAfterTheStepsStart(PrometheusServer prometheus) {
    // The canary's series appear with its first requests, after the step's start (as a workload's do); stable's
    // exist before it, with requests of an earlier step that are not this step's.
    try (IstioTelemetry istio = new IstioTelemetry(prometheus, "first-scrape", "shop")) {
      istio.serve("shop", 50, "200", 20);
      istio.awaitScraped();
      Instant stepStart = Instant.now();
      istio.serve("shop", 20, "200", 20);
      istio.serve("shop-canary", 7, "200", 20);
      istio.serve("shop-canary", 2, "200", 400);
      istio.serve("shop-canary", 3, "503", 20);
      Instant scraped = istio.awaitScrapeAfter(Instant.now());
      Instant look = scraped.isAfter(stepStart.plusSeconds(1)) ? scraped : stepStart.plusSeconds(1);
      CheckContext firstLook = CheckContext.forDeployment("first-scrape", "shop", stepStart, look);

      // increase() would see at most the canary's first sample or two equal ones: nothing of its 12 requests.
      assertThat(analysis(prometheus).counts(firstLook)).contains(new ArmCounts(12, 3, 20, 0));
      assertThat(analysis(prometheus).slowCounts(firstLook, 250.0)).contains(new ArmCounts(12, 2, 20, 0));
    }
  }

  @Test
  void tooLittleTrafficOrNoneIsInconclusiveNeverAPass(PrometheusServer prometheus) throws Exception {
    try (IstioTelemetry istio = new IstioTelemetry(prometheus, "quiet", "shop", "shop-canary", "cart",
        "cart-canary")) {
      Instant quiet = istio.awaitScrapeAfter(Instant.now());
      istio.serve("shop-canary", 5, "200", 20);
      istio.awaitScraped();
      Instant end = istio.awaitScrapeAfter(Instant.now());
      // Range selectors count whole seconds back from the end: reach one past the quiet scrape so the few
      // requests are an increase inside the window, whatever fraction of a second the scrapes fell on.
      Instant start = end.minusSeconds(Duration.between(quiet, end).getSeconds() + 1);

      List<Measurement> few = analysis(prometheus).run(List.of(ERROR_RATE),
          CheckContext.forDeployment("quiet", "shop", start, end));
      Check anyTraffic = new Check("error-rate", 0L, new Check.ErrorRate(0.05), null, null, null);
      List<Measurement> none = analysis(prometheus).run(List.of(anyTraffic, P99),
          CheckContext.forDeployment("quiet", "cart", start, end));

      assertThat(few).singleElement().satisfies(measurement -> {
        assertThat(measurement.verdict()).as(measurement.message()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(measurement.message()).contains("fewer than 20 (minRequests)");
        assertThat(measurement.samples()).isBetween(1L, 19L);
      });
      assertThat(none).allSatisfy(measurement -> {
        assertThat(measurement.verdict()).as(measurement.message()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(measurement.message()).contains("no traffic is not health");
      });
    }
  }

  @Test
  void anUnreachablePrometheusIsAnErrorNotAVerdictOnTheCanary() {
    Instant end = Instant.now();
    Analysis unreachable = new Analysis(new PrometheusProvider(
        URI.create("http://127.0.0.1:" + LoopbackPorts.free()), PrometheusProvider.Options.defaults()));

    List<Measurement> measurements = unreachable.run(List.of(ERROR_RATE, P99, ERRORS_VS_STABLE),
        CheckContext.forDeployment("shop", "shop", end.minusSeconds(30), end));

    assertThat(measurements).hasSize(3).allSatisfy(measurement -> {
      assertThat(measurement.verdict()).isEqualTo(Verdict.ERROR);
      assertThat(measurement.message()).contains("is unreachable");
      assertThat(measurement.value()).isNull();
    });
  }

  @Test
  void theWindowExcludesTrafficFromBeforeItsStart(PrometheusServer prometheus) throws Exception {
    try (IstioTelemetry istio = new IstioTelemetry(prometheus, "window", "shop", "shop-canary")) {
      Instant previousStep = startWindow(istio);
      drive(() -> {
        istio.serve("shop-canary", 5, "200", 20);
        istio.serve("shop-canary", 5, "503", 20);
      });
      istio.awaitScraped();
      // A scrape between the previous step's traffic and this step's start, and one inside this step before
      // its traffic: the window sees neither the earlier requests nor a gap at its edge.
      Instant stepStart = istio.awaitScrapeAfter(Instant.now()).plusMillis(1);
      istio.awaitScrapeAfter(stepStart);
      drive(() -> istio.serve("shop-canary", 10, "200", 20));
      istio.awaitScraped();
      Instant end = Instant.now();

      List<Measurement> thisStep = analysis(prometheus).run(List.of(ERROR_RATE),
          CheckContext.forDeployment("window", "shop", stepStart, end));
      List<Measurement> bothSteps = analysis(prometheus).run(List.of(ERROR_RATE),
          CheckContext.forDeployment("window", "shop", previousStep, end));

      assertThat(thisStep).singleElement().satisfies(measurement -> {
        assertThat(measurement.verdict()).as(measurement.message()).isEqualTo(Verdict.PASS);
        assertThat(measurement.value()).isZero();
        assertThat(measurement.query()).contains("[" + Duration.between(stepStart, end).toSeconds() + "s]");
      });
      assertThat(bothSteps).singleElement().satisfies(measurement ->
          assertThat(measurement.verdict()).as(measurement.message()).isEqualTo(Verdict.FAIL));
    }
  }
}
