package io.keelson.release.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.keelson.release.api.Verdict;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SequentialErrorTestTest {

  private static final double ALPHA = SequentialErrorTest.DEFAULT_ALPHA;

  // ---- The arithmetic, by hand ----

  @Test
  void oneIncrementIsTheMixtureOfItsLikelihoodRatios() {
    // n_c = n_s = 100, e_c = 3, e_s = 0: LR(θ) = θ^3 · (200 / (100θ + 100))^3 = (2θ / (θ + 1))^3.
    SequentialErrorTest test = SequentialErrorTest.start(ALPHA).observe(new ArmCounts(100, 3, 100, 0));

    double expected = Arrays.stream(SequentialErrorTest.RATIOS).map(theta -> Math.pow(2 * theta / (theta + 1), 3))
        .average().orElseThrow();
    assertThat(test.eValue()).isCloseTo(expected, within(1e-9));
    assertThat(test.rejected()).isFalse();
    assertThat(test.verdict()).isEmpty();
  }

  @Test
  void eachIncrementIsJudgedByItsOwnAllocation() {
    // Look 1: canary 10 of 100 requests, 1 error of 2 on the canary; look 2: canary 90 of 100, 1 error of 2.
    // Pooled, the canary served half the requests and had half the errors: no evidence at all. Per increment,
    // the first look is evidence against the canary and the second in its favour, and they do not cancel out.
    SequentialErrorTest test = SequentialErrorTest.over(ALPHA, List.of(new ArmCounts(10, 1, 90, 1),
        new ArmCounts(100, 2, 100, 2)));

    double expected = Arrays.stream(SequentialErrorTest.RATIOS)
        .map(theta -> theta * Math.pow(100 / (theta * 10 + 90), 2) * theta * Math.pow(100 / (theta * 90 + 10), 2))
        .average().orElseThrow();
    assertThat(test.eValue()).isCloseTo(expected, within(1e-9));
    assertThat(test.looks()).isEqualTo(2);
  }

  @Test
  void incrementsWithoutErrorsOrWithoutTrafficOnOneSideChangeNothing() {
    SequentialErrorTest test = SequentialErrorTest.over(ALPHA, List.of(new ArmCounts(50, 0, 500, 0),
        new ArmCounts(50, 0, 900, 7), new ArmCounts(80, 4, 900, 7)));

    // Look 2: the canary served nothing, so its share of those errors is 0 under every θ; look 3: stable
    // served nothing, so every error is the canary's under every θ.
    assertThat(test.eValue()).isEqualTo(1.0);
  }

  @Test
  void countsThatGoBackwardsAreNoChange() {
    SequentialErrorTest forward = SequentialErrorTest.over(ALPHA, List.of(new ArmCounts(100, 2, 900, 3),
        new ArmCounts(200, 6, 1800, 6)));
    SequentialErrorTest wobbling = SequentialErrorTest.over(ALPHA, List.of(new ArmCounts(100, 2, 900, 3),
        new ArmCounts(98, 2, 899, 3), new ArmCounts(200, 6, 1800, 6)));

    assertThat(wobbling.eValue()).isCloseTo(forward.eValue(), within(1e-9));
    assertThat(wobbling.seen()).isEqualTo(new ArmCounts(200, 6, 1800, 6));
  }

  @Test
  void aCanaryBetterThanStableIsNeverRejected() {
    // Every error on stable: each increment's likelihood ratio is below 1 for every θ > 1.
    SequentialErrorTest test = SequentialErrorTest.start(ALPHA);
    for (int look = 1; look <= 100; look++) {
      test = test.observe(new ArmCounts(100L * look, 0, 100L * look, 50L * look));
    }
    assertThat(test.eValue()).isLessThan(1);
    assertThat(test.rejected()).isFalse();
  }

  @Test
  void aFailingCanaryIsRejectedAndTheTestStopsThere() {
    // 10% weight, the canary failing 30% of its requests, stable healthy.
    SequentialErrorTest test = SequentialErrorTest.over(ALPHA, List.of(new ArmCounts(10, 3, 90, 0)));

    assertThat(test.rejected()).isTrue();
    assertThat(test.eValue()).isGreaterThanOrEqualTo(1 / ALPHA);
    assertThat(test.verdict()).contains(Verdict.FAIL);
    SequentialErrorTest later = test.observe(new ArmCounts(1000, 3, 9000, 900));
    assertThat(later).isSameAs(test);

    Instant start = Instant.parse("2030-01-01T10:00:00Z");
    Measurement failure = test.failure("errors", start, start.plusSeconds(5)).orElseThrow();
    assertThat(failure.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(failure.value()).isEqualTo(test.eValue());
    assertThat(failure.samples()).isEqualTo(10);
    assertThat(failure.message()).startsWith("sequential error test: e-value ").contains("reached 1/α = 100 (α 0.01)")
        .endsWith("after 1 look(s): canary 3/10 errors, stable 0/90 errors");
  }

  @Test
  void hugeEvidenceStaysFinite() {
    SequentialErrorTest test = SequentialErrorTest.over(ALPHA, List.of(new ArmCounts(100_000, 30_000, 900_000, 0)));

    assertThat(test.rejected()).isTrue();
    assertThat(test.logEValue()).isFinite();
    assertThat(test.message()).containsPattern("e-value [0-9.]+e[0-9]+ reached");
  }

  @Test
  void alphaMustBeAProbability() {
    assertThatThrownBy(() -> SequentialErrorTest.start(0)).hasMessageContaining("alpha must be within (0, 1), not 0");
    assertThatThrownBy(() -> SequentialErrorTest.start(1.5)).hasMessageContaining("1.5");
  }

  // ---- Simulated releases: the false-alarm guarantee and the detection time ----

  private static final int RELEASES = 10_000;
  private static final int LOOKS = 30;

  @Test
  void healthyCanariesAreRolledBackAtMostAlphaOfTheTime() {
    // Poisson errors; the canary's share of traffic moves from look to look (2%..60%), the error
    // rate differs from release to release (0.1%..10%), the canary's equals stable's.
    int falseAlarms = simulate(new SplittableRandom(20_221_014), 1.0, Errors.POISSON, false).rejected;
    printFalseAlarms("healthy canaries, Poisson errors", falseAlarms);

    assertThat((double) falseAlarms / RELEASES).isLessThanOrEqualTo(ALPHA);
  }

  @Test
  void healthyCanariesWithErrorsPerRequestAreRolledBackAtMostAlphaOfTheTime() {
    // Errors as Bernoulli trials per request (binomial counts), the other model a request stream fits.
    int falseAlarms = simulate(new SplittableRandom(2_205_14762), 1.0, Errors.BINOMIAL, false).rejected;
    printFalseAlarms("healthy canaries, per-request errors", falseAlarms);

    assertThat((double) falseAlarms / RELEASES).isLessThanOrEqualTo(ALPHA);
  }

  @Test
  void betterCanariesAreRolledBackAtMostAlphaOfTheTime() {
    int falseAlarms = simulate(new SplittableRandom(7), 0.5, Errors.POISSON, false).rejected;
    printFalseAlarms("canaries half as bad as stable", falseAlarms);

    assertThat((double) falseAlarms / RELEASES).isLessThanOrEqualTo(ALPHA);
  }

  @Test
  void regressionsAreDetectedFasterTheWorseTheyAre() {
    // A steady release: stable fails 1% of requests, the canary holds 10% of 1,000 requests per look.
    Detection twenty = simulate(new SplittableRandom(20), 20, Errors.POISSON, true);
    Detection five = simulate(new SplittableRandom(5), 5, Errors.POISSON, true);
    Detection two = simulate(new SplittableRandom(2), 2, Errors.POISSON, true);

    System.out.println("sequential test, stable failing 1%, canary serving 100 of 1,000 requests per look:");
    System.out.println("| canary errors vs stable | rejected within 30 looks | median look | 90% | 99% |");
    System.out.println("|---|---|---|---|---|");
    for (Map.Entry<String, Detection> row : List.of(Map.entry("2×", two), Map.entry("5×", five),
        Map.entry("20×", twenty))) {
      Detection d = row.getValue();
      System.out.printf("| %s | %.2f%% | %s | %s | %s |%n", row.getKey(), 100.0 * d.rejected / RELEASES,
          d.quantile(0.5), d.quantile(0.9), d.quantile(0.99));
    }

    assertThat(twenty.within(2)).isGreaterThanOrEqualTo(0.99);
    assertThat(five.within(10)).isGreaterThanOrEqualTo(0.99);
    assertThat(two.within(LOOKS)).isGreaterThanOrEqualTo(0.5);
  }

  private enum Errors { POISSON, BINOMIAL }

  private static void printFalseAlarms(String what, int falseAlarms) {
    System.out.printf("sequential test, %s: %d of %d releases rolled back (%.2f%%, alpha %.0f%%)%n", what,
        falseAlarms, RELEASES, 100.0 * falseAlarms / RELEASES, 100 * ALPHA);
  }

  /** How many releases were rejected, and at which look (0 = never). */
  private record Detection(int rejected, int[] rejectedAt) {
    /** The look by which a share {@code q} of the releases was rejected, in looks and canary requests. */
    String quantile(double q) {
      int[] looks = Arrays.stream(rejectedAt).map(look -> look == 0 ? Integer.MAX_VALUE : look).sorted().toArray();
      int look = looks[(int) Math.ceil(q * looks.length) - 1];
      return look == Integer.MAX_VALUE ? ">" + LOOKS : look + " (" + look * 100 + " requests)";
    }

    double within(int looks) {
      return Arrays.stream(rejectedAt).filter(look -> look > 0 && look <= looks).count() / (double) rejectedAt.length;
    }
  }

  /**
   * {@link #RELEASES} releases of {@link #LOOKS} looks each, the canary failing {@code ratio} times as often as
   * stable. {@code steady}: 1,000 requests per look, 10% to the canary, stable failing 1%; otherwise everything
   * varies (see the false-alarm tests).
   */
  private static Detection simulate(SplittableRandom random, double ratio, Errors errors, boolean steady) {
    int[] rejectedAt = new int[RELEASES];
    int rejected = 0;
    for (int release = 0; release < RELEASES; release++) {
      double stableRate = steady ? 0.01 : Math.exp(random.nextDouble(Math.log(0.001), Math.log(0.1)));
      double canaryRate = Math.min(1, stableRate * ratio);
      long canaryRequests = 0;
      long canaryErrors = 0;
      long stableRequests = 0;
      long stableErrors = 0;
      SequentialErrorTest test = SequentialErrorTest.start(ALPHA);
      for (int look = 1; look <= LOOKS && !test.rejected(); look++) {
        // The test conditions on the request counts, so they need not be random; only the errors are.
        double share = steady ? 0.1 : random.nextDouble(0.02, 0.6);
        double requests = steady ? 1000 : random.nextDouble(50, 600);
        long canary = Math.round(requests * share);
        long stable = Math.round(requests * (1 - share));
        canaryRequests += canary;
        stableRequests += stable;
        canaryErrors += errors == Errors.POISSON ? Math.min(canary, poisson(random, canary * canaryRate))
            : binomial(random, canary, canaryRate);
        stableErrors += errors == Errors.POISSON ? Math.min(stable, poisson(random, stable * stableRate))
            : binomial(random, stable, stableRate);
        test = test.observe(new ArmCounts(canaryRequests, canaryErrors, stableRequests, stableErrors));
        if (test.rejected()) {
          rejectedAt[release] = look;
          rejected++;
        }
      }
    }
    return new Detection(rejected, rejectedAt);
  }

  /** Poisson by inversion; fine for the small means here. */
  private static long poisson(SplittableRandom random, double mean) {
    double u = random.nextDouble();
    double p = Math.exp(-mean);
    double cumulative = p;
    long k = 0;
    while (u > cumulative && p > 0) {
      k++;
      p *= mean / k;
      cumulative += p;
    }
    return k;
  }

  /** Binomial by inversion. */
  private static long binomial(SplittableRandom random, long trials, double p) {
    if (trials == 0 || p == 0) {
      return 0;
    }
    double u = random.nextDouble();
    double q = 1 - p;
    double probability = Math.pow(q, trials);
    double cumulative = probability;
    long k = 0;
    while (u > cumulative && k < trials) {
      probability *= (double) (trials - k) / (k + 1) * p / q;
      k++;
      cumulative += probability;
    }
    return k;
  }
}
