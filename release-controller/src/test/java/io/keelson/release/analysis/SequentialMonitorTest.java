package io.keelson.release.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.release.api.Sequential;
import io.keelson.release.api.SequentialEvidence;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SequentialMonitorTest {

  private static final Instant START = Instant.parse("2030-01-01T10:00:00Z");
  private static final Sequential EVERY_SECOND = new Sequential(null, "1s", null);
  private static final SequentialMonitor.Subject STEP =
      new SequentialMonitor.Subject("shop/checkout", "h2 step 1", 1, "shop", "checkout", START);

  @Test
  void aCanaryFailingThirtyPercentIsRejectedWithinSecondsOfGettingTraffic() {
    Traffic traffic = new Traffic(new SplittableRandom(30), 12, 0.3, 28, 0.001, 600);
    SequentialMonitor monitor = new SequentialMonitor(new Analysis(traffic));

    int second = 0;
    List<SequentialEvidence> looks = List.of();
    while ((looks.isEmpty() || !looks.get(0).rejected()) && second < 600) {
      second++;
      looks = monitor.look(STEP, EVERY_SECOND, START.plusSeconds(second));
    }

    assertThat(looks.get(0).message()).contains("reached 1/α = 100");
    assertThat(looks.get(0).boundary()).isEqualTo(100.0);
    assertThat(second).as("rejected long before a one-minute interval").isLessThan(60);
    System.out.printf("sequential monitor: 12 req/s to a canary failing 30%% rejected after %d s of traffic%n", second);
  }

  @Test
  void aControllerStartedMidStepReplaysTheLooksAndReachesTheSameEValue() {
    Traffic traffic = new Traffic(new SplittableRandom(7), 12, 0.02, 28, 0.01, 600);
    SequentialMonitor allAlong = new SequentialMonitor(new Analysis(traffic));
    List<SequentialEvidence> watched = List.of();
    for (int second = 1; second <= 40; second++) {
      watched = allAlong.look(STEP, EVERY_SECOND, START.plusSeconds(second).plusMillis(300));
    }
    AtomicInteger asked = new AtomicInteger();
    SequentialMonitor restarted = new SequentialMonitor(new Analysis((promql, at) -> {
      asked.incrementAndGet();
      return traffic.query(promql, at);
    }));

    List<SequentialEvidence> replayed = restarted.look(STEP, EVERY_SECOND, START.plusSeconds(40).plusMillis(300));

    assertThat(replayed).isEqualTo(watched);
    assertThat(replayed.get(0).eValue()).isNotEqualTo(1.0);
    assertThat(asked).as("four counts per look").hasValue(40 * 4);
  }

  @Test
  void aNewStepStartsItsTestsAfreshAndALatencyTestCountsTheSlowRequests() {
    Traffic traffic = new Traffic(new SplittableRandom(5), 12, 0.3, 28, 0.001, 600);
    SequentialMonitor monitor = new SequentialMonitor(new Analysis(traffic));
    Sequential withLatency = new Sequential(0.05, "1s", 500.0);
    for (int second = 1; second <= 30; second++) {
      monitor.look(STEP, withLatency, START.plusSeconds(second));
    }

    SequentialMonitor.Subject next = new SequentialMonitor.Subject("shop/checkout", "h2 step 2", 2, "shop",
        "checkout", START.plusSeconds(30));
    List<SequentialEvidence> looks = monitor.look(next, withLatency, START.plusSeconds(31));

    assertThat(looks).extracting(SequentialEvidence::test).containsExactly("errors", "latency");
    assertThat(looks).allSatisfy(look -> {
      assertThat(look.step()).isEqualTo(2);
      assertThat(look.boundary()).isEqualTo(20.0);
      assertThat(look.message()).contains("after 1 look(s)");
    });
    assertThat(looks.get(1).message()).startsWith("requests slower than 500 ms counted as failed");
    assertThat(traffic.slowAsked).as("the latency test asked for the slow requests").isPositive();
  }

  @Test
  void aLookWhoseCountsCannotBeReadIsSkipped() {
    Traffic traffic = new Traffic(new SplittableRandom(1), 12, 0.3, 28, 0.001, 600);
    SequentialMonitor monitor = new SequentialMonitor(new Analysis((promql, at) -> at.equals(START.plusSeconds(1))
        ? new QueryResult.Failed("connection refused") : traffic.query(promql, at)));

    List<SequentialEvidence> first = monitor.look(STEP, EVERY_SECOND, START.plusSeconds(1));
    List<SequentialEvidence> second = monitor.look(STEP, EVERY_SECOND, START.plusSeconds(2));

    assertThat(first.get(0).message()).contains("after 0 look(s)");
    assertThat(second.get(0).message()).contains("after 1 look(s)").doesNotContain("canary 0/0");
  }

  /**
   * Istio's counters of one step as Prometheus answers for them: per second, seeded Poisson requests and binomial
   * errors for each workload; a count since {@code @ <start>} at {@code at} sums the seconds between. Slow requests
   * fail as often as errors do.
   */
  private static final class Traffic implements MetricProvider {
    private static final Pattern SINCE = Pattern.compile("@ ([0-9.]+)");
    private final long[][] perSecond;
    int slowAsked;

    Traffic(SplittableRandom random, double canaryRate, double canaryErrors, double stableRate, double stableErrors,
        int seconds) {
      perSecond = new long[seconds][4];
      for (int s = 0; s < seconds; s++) {
        long canary = poisson(random, canaryRate);
        long stable = poisson(random, stableRate);
        perSecond[s] = new long[] {canary, binomial(random, canary, canaryErrors), stable,
            binomial(random, stable, stableErrors)};
      }
    }

    @Override
    public QueryResult query(String promql, Instant at) {
      Matcher since = SINCE.matcher(promql);
      if (!since.find()) {
        throw new IllegalArgumentException("not a count since the step's start: " + promql);
      }
      long begin = Duration.between(START, Instant.ofEpochMilli(new BigDecimal(since.group(1)).movePointRight(3)
          .longValueExact())).getSeconds();
      long end = Duration.between(START, at).getSeconds();
      boolean canary = promql.contains("checkout-canary");
      boolean slow = promql.contains("le=~");
      slowAsked += slow ? 1 : 0;
      int column = (canary ? 0 : 2) + (promql.contains("5..") || slow ? 1 : 0);
      long sum = 0;
      for (long s = Math.max(0, begin); s < end; s++) {
        sum += perSecond[(int) s][column];
      }
      return new QueryResult.Value(sum);
    }

    private static long poisson(SplittableRandom random, double mean) {
      long k = 0;
      double p = Math.exp(-mean);
      double cumulative = p;
      double u = random.nextDouble();
      while (u > cumulative) {
        k++;
        p *= mean / k;
        cumulative += p;
      }
      return k;
    }

    private static long binomial(SplittableRandom random, long trials, double p) {
      long k = 0;
      for (long i = 0; i < trials; i++) {
        k += random.nextDouble() < p ? 1 : 0;
      }
      return k;
    }
  }
}
