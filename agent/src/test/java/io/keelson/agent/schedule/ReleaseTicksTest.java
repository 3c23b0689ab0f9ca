package io.keelson.agent.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.leader.WriteFence;
import io.keelson.agent.metrics.AgentMetrics;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.controller.ReleaseController;
import io.keelson.release.controller.Releases;
import io.keelson.release.deploy.PolicyKey;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ticks asked for before the policies' informers have listed them, on a clock the test moves: the informers tell
 * nothing when their list completes, so whatever ticks a release then is the ticks' own retry.
 */
class ReleaseTicksTest {

  private static final Duration RESYNC = Duration.ofHours(1);
  private static final PolicyKey CART = new PolicyKey("shop", "cart");
  private static final PolicyKey PAYMENTS = new PolicyKey("shop", "payments");

  private final ManualScheduler scheduler = new ManualScheduler(Instant.parse("2026-12-01T10:00:00Z"));
  private final Informers informers = new Informers();
  private SyncScheduler syncs;
  private ReleaseTicks ticks;

  @BeforeEach
  void start() {
    syncs = new SyncScheduler(Map.of(), Map.of());
    ticks = new ReleaseTicks(informers, new ReleaseFollowUp(syncs, new AgentMetrics(new PrometheusRegistry())),
        WriteFence.unfenced(), policy -> true, RESYNC, null, scheduler.clock(), scheduler);
    ticks.start();
  }

  @AfterEach
  void close() {
    ticks.close();
    syncs.close();
  }

  @Test
  void whenATickIsAskedForBeforeThePoliciesAreListed_thenEveryReleaseIsTickedOnceTheListIsComplete() {
    scheduler.advance(Duration.ZERO); // the first resync: nothing listed yet
    ticks.tickNow(CART); // as a render reporting the release at start-up does
    scheduler.advance(Duration.ZERO);
    assertThat(informers.ticked).as("releases ticked before the list").isEmpty();

    informers.list(CART, PAYMENTS);
    scheduler.advance(ReleaseTicks.RETRY);

    assertThat(informers.ticked).as("releases ticked within a retry of the list, the resync being an hour away")
        .isEqualTo(Map.of(CART, 1, PAYMENTS, 1));
    scheduler.advance(Duration.ofMinutes(10));
    assertThat(informers.ticked).as("no more retries once listed").isEqualTo(Map.of(CART, 1, PAYMENTS, 1));
  }

  @Test
  void whileThePoliciesAreNotListed_thenOneRetryEachSecondHoweverManyAskedForTicks() {
    scheduler.advance(Duration.ZERO);
    List.of(CART, PAYMENTS).forEach(ticks::tickNow);
    ticks.tickAll();
    ticks.tickAll();
    scheduler.advance(Duration.ZERO);
    int asked = informers.keysAsked;

    scheduler.advance(Duration.ofSeconds(10));

    assertThat(informers.keysAsked - asked).as("policies listed again in 10 s while unlisted").isEqualTo(10);
  }

  @Test
  void whenLeadershipEndsBeforeThePoliciesAreListed_thenNothingIsAskedAgain() {
    scheduler.advance(Duration.ZERO);
    ticks.tickNow(CART);
    scheduler.advance(Duration.ZERO);
    ticks.standby();
    int asked = informers.keysAsked;

    informers.list(CART);
    scheduler.advance(Duration.ofMinutes(10));

    assertThat(informers.keysAsked).as("policies listed again after standby").isEqualTo(asked);
    assertThat(informers.ticked).as("releases ticked after standby").isEmpty();
  }

  /** The policies' informers, listed when the test says; a tick counts the releases it found and reconciled. */
  private static final class Informers implements Releases {

    final Map<PolicyKey, Integer> ticked = new HashMap<>();
    final Set<PolicyKey> stored = new HashSet<>();
    boolean listed;
    int keysAsked;

    void list(PolicyKey... policies) {
      stored.addAll(List.of(policies));
      listed = true;
    }

    @Override
    public void watch(String deploymentLabel, Consumer<PolicyKey> changed) {
      // The informers' events are not told: only the retry can tick what was asked for too early.
    }

    @Override
    public boolean hasListed() {
      return listed;
    }

    @Override
    public Set<PolicyKey> keys() {
      keysAsked++;
      return listed ? Set.copyOf(stored) : Set.of();
    }

    /** Nothing released yet (empty), whether found or not: no follow-up is due. */
    @Override
    public Optional<ReleaseController.Ticked> tick(PolicyKey key, Predicate<ReleasePolicy> drives) {
      if (stored.contains(key)) {
        ticked.merge(key, 1, Integer::sum);
      }
      return Optional.empty();
    }
  }
}
