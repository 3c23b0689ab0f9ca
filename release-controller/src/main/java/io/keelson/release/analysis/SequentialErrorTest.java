package io.keelson.release.analysis;

import io.keelson.release.api.Verdict;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An anytime-valid sequential test of "the canary's error rate is no higher than stable's", fed the cumulative
 * counts of both workloads at every look. It may be looked at as often as one likes: the probability that it
 * ever rejects a canary that is not worse than stable is at most α, however many looks are taken. Immutable:
 * each {@link #observe} returns the next state.
 *
 * <h2>The test</h2>
 * After Lindon, Sanden and Shirikian, <i>Rapid Regression Detection in Software Deployments through Sequential
 * Testing</i> (KDD 2022, arXiv:2205.14762), §"counting processes": compare the arms through the errors alone,
 * conditioned on how many there were, which removes the unknown baseline error rate.
 *
 * <p>Split the step into increments, one per look k. In increment k the canary served {@code n_c} requests and
 * stable {@code n_s}, with {@code e = e_c + e_s} errors between them. If errors arrive at rate {@code r_c} per
 * canary request and {@code r_s} per stable request (Poisson), then given {@code n_c, n_s, e}, the canary's
 * share {@code e_c} is Binomial(e, p_θ) with {@code θ = r_c / r_s} and
 * <pre>
 *   p_θ = θ·n_c / (θ·n_c + n_s),   so under H0 (θ = 1): p_1 = n_c / (n_c + n_s).
 * </pre>
 * Conditioning on each increment's own counts is what makes a changing allocation harmless: the canary's share
 * of the traffic may move from look to look (weights, header routes, load), and each increment is judged by its
 * own share. The likelihood ratio of increment k for a given θ simplifies to
 * <pre>
 *   LR_k(θ) = (p_θ/p_1)^e_c · ((1-p_θ)/(1-p_1))^e_s = θ^e_c · ((n_c + n_s) / (θ·n_c + n_s))^e
 * </pre>
 * and {@code Λ_t(θ) = Π_{k≤t} LR_k(θ)}. Since p_θ differs from increment to increment, no prior on θ is
 * conjugate; a discrete prior is exact instead: equal weights {@code w_j} on the ratios
 * {@code θ_j = 1.5^j, j = 1..12} (1.5 to 130, every ratio in that range within 23% of one of them), giving the
 * e-process
 * <pre>
 *   M_t = Σ_j w_j · Λ_t(θ_j).
 * </pre>
 *
 * <h2>Why it holds α at every look</h2>
 * Given the past and increment k's totals, {@code E[LR_k(θ)] = 1} under θ = 1 (a likelihood ratio), so each
 * {@code Λ_t(θ)}, and their mixture {@code M_t}, is a nonnegative martingale with {@code M_0 = 1}. Ville's
 * inequality gives {@code P(∃t: M_t ≥ 1/α) ≤ α}: rejecting the first time {@code M_t ≥ 1/α} keeps the
 * false-alarm probability at most α under any monitoring schedule. The null is one-sided and it stays valid:
 * <ul>
 *   <li>a canary <em>better</em> than stable ({@code θ < 1}) makes {@code e_c} stochastically smaller, and
 *       {@code LR_k(θ_j)} increases in {@code e_c} for every {@code θ_j > 1}, so {@code E[LR_k] ≤ 1}
 *       (a supermartingale); only a worse canary is ever rejected;
 *   <li>errors as Bernoulli trials per request rather than Poisson make {@code e_c} given the totals
 *       hypergeometric under H0, which is smaller than the binomial in the convex order (Hoeffding 1963,
 *       Theorem 4), and {@code LR_k} is convex in {@code e_c}: again {@code E[LR_k] ≤ 1}.
 * </ul>
 * The increments must be fixed by time (the looks), never by the errors seen within them; an increment without
 * traffic on either side, or without errors, has {@code LR_k = 1} and changes nothing. Counts that go backwards
 * between looks (Prometheus extrapolates {@code increase()}) are taken as no change. Once rejected, the test
 * has stopped: later looks change nothing.
 *
 */
public final class SequentialErrorTest {

  /** The false-alarm probability when the policy sets none. */
  public static final double DEFAULT_ALPHA = 0.01;

  /** The prior's support: the canary's error rate as a multiple of stable's. */
  static final double[] RATIOS = ratios();

  private final double alpha;
  /** The highest counts seen so far (cumulative since the step's start). */
  private final ArmCounts seen;
  /** {@code log Λ_t(θ_j)}, one per prior ratio. */
  private final double[] logLikelihoodRatios;
  /** {@code log M_t}: M itself overflows a double after a few hundred errors. */
  private final double logEValue;
  private final boolean rejected;
  private final int looks;

  private SequentialErrorTest(double alpha, ArmCounts seen, double[] logLikelihoodRatios, double logEValue,
      boolean rejected, int looks) {
    this.alpha = alpha;
    this.seen = seen;
    this.logLikelihoodRatios = logLikelihoodRatios;
    this.logEValue = logEValue;
    this.rejected = rejected;
    this.looks = looks;
  }

  /**
   * The test before any look: nothing seen, e-value 1.
   *
   * @param alpha the false-alarm probability the test keeps, in (0, 1)
   */
  public static SequentialErrorTest start(double alpha) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be within (0, 1), not " + alpha);
    }
    return new SequentialErrorTest(alpha, ArmCounts.ZERO, new double[RATIOS.length], 0, false, 0);
  }

  /** The test after looking at each of {@code looks} in turn (cumulative counts, oldest first). */
  public static SequentialErrorTest over(double alpha, List<ArmCounts> looks) {
    SequentialErrorTest test = start(alpha);
    for (ArmCounts look : looks) {
      test = test.observe(look);
    }
    return test;
  }

  /** The test after one more look at the cumulative counts {@code now}. */
  public SequentialErrorTest observe(ArmCounts now) {
    if (rejected) {
      return this;
    }
    ArmCounts next = new ArmCounts(Math.max(seen.canaryRequests(), now.canaryRequests()),
        Math.max(seen.canaryErrors(), now.canaryErrors()), Math.max(seen.stableRequests(), now.stableRequests()),
        Math.max(seen.stableErrors(), now.stableErrors()));
    long canaryRequests = next.canaryRequests() - seen.canaryRequests();
    long stableRequests = next.stableRequests() - seen.stableRequests();
    // An error is a request: never more errors than requests in an increment.
    long canaryErrors = Math.min(canaryRequests, next.canaryErrors() - seen.canaryErrors());
    long stableErrors = Math.min(stableRequests, next.stableErrors() - seen.stableErrors());
    long errors = canaryErrors + stableErrors;
    if (canaryRequests == 0 || stableRequests == 0 || errors == 0) {
      return new SequentialErrorTest(alpha, next, logLikelihoodRatios, logEValue, false, looks + 1);
    }
    double[] logs = new double[RATIOS.length];
    double total = (double) canaryRequests + stableRequests;
    for (int j = 0; j < RATIOS.length; j++) {
      double theta = RATIOS[j];
      logs[j] = logLikelihoodRatios[j] + canaryErrors * Math.log(theta)
          + errors * Math.log(total / (theta * canaryRequests + stableRequests));
    }
    double logE = logMixture(logs);
    return new SequentialErrorTest(alpha, next, logs, logE,
        logE >= -Math.log(alpha), looks + 1);
  }

  /** The false-alarm probability the test keeps. */
  public double alpha() {
    return alpha;
  }

  /** The highest cumulative counts seen so far. */
  public ArmCounts seen() {
    return seen;
  }

  /** How many looks the test has taken. */
  public int looks() {
    return looks;
  }

  /** Whether the e-value reached {@code 1/α} at some look. */
  public boolean rejected() {
    return rejected;
  }

  /** {@code log M_t}. */
  public double logEValue() {
    return logEValue;
  }

  /** {@code M_t}; infinite once it no longer fits a double. */
  public double eValue() {
    return Math.exp(logEValue);
  }

  /** FAIL once the evidence crossed the boundary; otherwise no verdict (the fixed-window checks judge). */
  public Optional<Verdict> verdict() {
    return rejected ? Optional.of(Verdict.FAIL) : Optional.empty();
  }

  /** Why, in a sentence: the e-value against its boundary, and the counts it was computed from. */
  public String message() {
    return "sequential error test: e-value " + showLog(logEValue) + (rejected ? " reached" : " is below")
        + " 1/α = " + AnalysisEvaluator.show(1 / alpha) + " (α " + AnalysisEvaluator.show(alpha) + ") after " + looks
        + " look(s): " + seen;
  }

  /**
   * The rejection as the step's evidence: value = the e-value, samples = the smaller arm's requests; empty
   * while the test has not rejected.
   */
  public Optional<Measurement> failure(String check, Instant windowStart, Instant windowEnd) {
    if (!rejected) {
      return Optional.empty();
    }
    return Optional.of(new Measurement(check, null, windowStart, windowEnd, eValue(),
        Math.min(seen.canaryRequests(), seen.stableRequests()), Verdict.FAIL, message()));
  }

  /** {@code log Σ_j w_j exp(l_j)} with equal weights, without overflow. */
  private static double logMixture(double[] logs) {
    double max = Arrays.stream(logs).max().orElseThrow();
    double sum = 0;
    for (double log : logs) {
      sum += Math.exp(log - max);
    }
    return max + Math.log(sum / logs.length);
  }

  private static double[] ratios() {
    double[] ratios = new double[12];
    for (int j = 0; j < ratios.length; j++) {
      ratios[j] = Math.pow(1.5, j + 1);
    }
    return ratios;
  }

  /** e^log for a message: four significant digits, in powers of ten beyond a million. */
  private static String showLog(double log) {
    double log10 = log / Math.log(10);
    if (log10 < 6) {
      return AnalysisEvaluator.show(Math.exp(log));
    }
    double exponent = Math.floor(log10);
    return AnalysisEvaluator.show(Math.pow(10, log10 - exponent)) + "e" + (long) exponent;
  }
}
