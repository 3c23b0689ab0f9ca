package io.keelson.agent.schedule;

import io.keelson.agent.leader.WriteFence;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.controller.ReleaseController;
import io.keelson.release.controller.Releases;
import io.keelson.release.deploy.PolicyKey;
import io.keelson.release.strategy.TickDue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ticks each release when something can move it on, rather than on a fixed poll: at once on a change of its
 * policy, its Deployments, its routes or what Git declares for it ({@link ReleaseController#watch}); at the
 * moment the clock makes it due ({@link TickDue}: the analysis, each look of a sequential test, a progress
 * deadline); and every {@code resyncInterval} anyway, a safety net for anything missed.
 *
 * <p>One policy's ticks never overlap: a tick asked for while one runs runs once after it. Ticks only run
 * while this replica leads: each is scheduled under the fence's current term and dropped if that term is over
 * when it falls due, so a deposed leader's scheduled ticks never run, even if it leads again meanwhile.
 *
 * <p>Until the policies are listed (the informers' first list at start-up, or for as long as the CRD is not
 * installed), a tick may find no policy where one exists: every release is asked for again each second until
 * the list is complete, so a tick asked for meanwhile is not left to the next resync.
 */
public final class ReleaseTicks implements SyncScheduler.LeaderWork {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseTicks.class);
  /** A tick that failed, or left its release due at once, is tried again this much later. */
  static final Duration RETRY = Duration.ofSeconds(1);
  /** Releases ticked at the same time: one slow Prometheus query holds up no other release. */
  private static final int THREADS = 2;

  /** Where one policy's ticks stand. Guarded by the scheduler's lock. */
  private static final class Slot {
    ScheduledFuture<?> pending;
    Instant pendingAt;
    boolean running;
    /** Asked for while running: the earliest time asked. */
    Instant again;
  }

  private final Releases releases;
  private final ReleaseFollowUp followUp;
  private final WriteFence fence;
  private final Predicate<ReleasePolicy> drives;
  private final Duration resyncInterval;
  private final String deploymentLabel;
  private final Clock clock;
  private final ScheduledExecutorService threads;
  private final Map<PolicyKey, Slot> slots = new HashMap<>();
  private WriteFence.Term term;
  private ScheduledFuture<?> resync;
  /** The next {@link #tickAll} while the policies are not listed yet. Guarded by this. */
  private ScheduledFuture<?> untilListed;

  /**
   * @param drives the policies this replica ticks (with sources sharded across replicas, those of the sources
   *     it holds; otherwise all)
   * @param resyncInterval every release is ticked at least this often
   * @param deploymentLabel the label on the Deployments to watch (what the agent applied); null = all
   */
  public ReleaseTicks(Releases releases, ReleaseFollowUp followUp, WriteFence fence,
      Predicate<ReleasePolicy> drives, Duration resyncInterval, String deploymentLabel, Clock clock) {
    this(releases, followUp, fence, drives, resyncInterval, deploymentLabel, clock, threads());
  }

  /** @param threads runs the ticks at the times {@code clock} gives */
  ReleaseTicks(Releases releases, ReleaseFollowUp followUp, WriteFence fence, Predicate<ReleasePolicy> drives,
      Duration resyncInterval, String deploymentLabel, Clock clock, ScheduledExecutorService threads) {
    this.releases = releases;
    this.followUp = followUp;
    this.fence = fence;
    this.drives = drives;
    this.resyncInterval = resyncInterval;
    this.deploymentLabel = deploymentLabel;
    this.clock = clock;
    this.threads = threads;
  }

  private static ScheduledExecutorService threads() {
    AtomicInteger number = new AtomicInteger();
    ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(THREADS, runnable -> {
      Thread thread = new Thread(runnable, "keelson-release-ticks-" + number.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    pool.setRemoveOnCancelPolicy(true);
    return pool;
  }

  /** Leadership began: watch, tick every release now, then as they fall due. */
  @Override
  public void start() {
    WriteFence.Term current;
    try {
      current = fence.begin();
    } catch (WriteFence.LeadershipLost e) {
      LOG.info("release ticks not started: {}", e.getMessage());
      return;
    }
    synchronized (this) {
      term = current;
    }
    // Watch first: policies listed from now on are told, those listed already are ticked by the first resync.
    releases.watch(deploymentLabel, this::tickNow);
    synchronized (this) {
      if (resync != null) {
        resync.cancel(false);
      }
      resync = threads.scheduleWithFixedDelay(this::tickAll, 0, resyncInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Leadership ended: nothing scheduled runs; a tick in hand ends at its next write (the fence refuses it). */
  @Override
  public synchronized void standby() {
    term = null;
    if (resync != null) {
      resync.cancel(false);
      resync = null;
    }
    if (untilListed != null) {
      untilListed.cancel(false);
      untilListed = null;
    }
    slots.values().forEach(slot -> {
      if (slot.pending != null) {
        slot.pending.cancel(false);
        slot.pending = null;
      }
      slot.again = null;
    });
  }

  @Override
  public void close() {
    standby();
    threads.shutdownNow();
  }

  /** Ticks {@code policy} as soon as possible (after the tick in hand, if one runs). */
  public void tickNow(PolicyKey policy) {
    schedule(policy, clock.instant());
  }

  /** Ticks every release as soon as possible; asked again shortly while the policies are not listed yet. */
  public void tickAll() {
    boolean listed = releases.hasListed(); // asked first: a list completing meanwhile is asked again
    releases.keys().forEach(this::tickNow);
    if (!listed) {
      askAgainOnceListed();
    }
  }

  /**
   * Ticks every release again {@link #RETRY} from now, and so on until the policies are listed: the one retry of
   * whatever was asked for before, however many resyncs and ticks found the policies unlisted.
   */
  private synchronized void askAgainOnceListed() {
    if (term != null && untilListed == null) {
      untilListed = threads.schedule(() -> {
        synchronized (this) {
          untilListed = null; // before tickAll, which asks for the next retry while still unlisted
        }
        tickAll();
      }, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private synchronized void schedule(PolicyKey policy, Instant at) {
    if (term == null) {
      return;
    }
    Slot slot = slots.computeIfAbsent(policy, key -> new Slot());
    if (slot.running) {
      slot.again = slot.again == null || at.isBefore(slot.again) ? at : slot.again;
      return;
    }
    if (slot.pending != null) {
      if (!slot.pendingAt.isAfter(at)) {
        return;
      }
      slot.pending.cancel(false);
    }
    WriteFence.Term scheduledIn = term;
    long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
    slot.pendingAt = at;
    slot.pending = threads.schedule(() -> run(policy, scheduledIn), delay, TimeUnit.MILLISECONDS);
  }

  private void run(PolicyKey policy, WriteFence.Term scheduledIn) {
    Slot slot;
    synchronized (this) {
      slot = slots.get(policy);
      if (slot == null || slot.running || !scheduledIn.equals(term) || !fence.holds(scheduledIn)) {
        return;
      }
      slot.pending = null;
      slot.running = true;
    }
    Optional<Instant> next = Optional.empty();
    try {
      boolean listed = releases.hasListed();
      Optional<ReleaseController.Ticked> ticked = releases.tick(policy, drives);
      followUp.after(ticked.stream().toList());
      next = ticked.flatMap(this::due);
      if (ticked.isEmpty() && !listed) {
        // Asked for before the policies were listed (a render reported at start-up): not lost, asked again.
        askAgainOnceListed();
      }
    } catch (WriteFence.LeadershipLost e) {
      LOG.info("release {}/{}: tick abandoned: {}", policy.namespace(), policy.name(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("release {}/{}: tick failed, retrying in {} ms: {}", policy.namespace(), policy.name(),
          RETRY.toMillis(), e.toString());
      next = Optional.of(clock.instant().plus(RETRY));
    } finally {
      synchronized (this) {
        slot.running = false;
        Instant again = slot.again;
        slot.again = null;
        if (again != null) {
          schedule(policy, again);
        }
        next.ifPresent(at -> schedule(policy, at));
        if (slot.pending == null && !slot.running) {
          slots.remove(policy);
        }
      }
    }
  }

  /** When the clock makes the release due next; a tick that could not finish is tried again shortly. */
  private Optional<Instant> due(ReleaseController.Ticked ticked) {
    Instant now = clock.instant();
    if (ticked.tick().failure().isPresent()) {
      return Optional.of(now.plus(RETRY));
    }
    // A release still due after its tick (e.g. the analysis could not be completed) is not ticked in a loop.
    return TickDue.next(ticked.policy().getSpec(), ticked.tick().status(), now)
        .map(at -> at.isAfter(now) ? at : now.plus(RETRY));
  }
}
