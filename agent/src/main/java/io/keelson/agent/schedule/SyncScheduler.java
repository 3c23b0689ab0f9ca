package io.keelson.agent.schedule;

import io.keelson.agent.leader.WriteFence;
import io.keelson.agent.source.SourceController;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Quartz job per source at its interval, started with a random offset so sources do not all hit
 * Git at once. A source never syncs twice at the same time ({@link DisallowConcurrentExecution}); a
 * trigger ("sync now") while it runs waits and coalesces with others (see
 * {@link SourceController#requestSync}). Work that runs beside the syncs (release ticks) is started and
 * stopped with it, on threads of its own. The scheduler only runs while this replica leads; with sources
 * sharded across replicas it runs throughout and each source's job runs only while this replica holds that
 * source ({@link #startSharded}).
 */
public final class SyncScheduler implements AutoCloseable {

  private static final String GROUP = "sources";
  private static final Logger LOG = LoggerFactory.getLogger(SyncScheduler.class);
  /** How long stopping waits for the syncs in hand: well within Kubernetes' default 30 s grace period. */
  public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
  private final Scheduler scheduler;
  private final Map<String, SourceController> sources;
  private final List<LeaderWork> work = new CopyOnWriteArrayList<>();

  /** Work that runs beside the syncs while this replica leads. */
  public interface LeaderWork {
    /** Leadership began (or the agent started without election). */
    void start();

    /** Leadership ended: run nothing more until started again. */
    void standby();

    /** The agent stops for good. */
    void close();
  }

  public SyncScheduler(Map<String, SourceController> sources, Map<String, Duration> intervals) {
    this.sources = Map.copyOf(sources);
    Properties properties = new Properties();
    // Quartz keeps schedulers in a JVM-wide registry by name: a unique name keeps each agent's own.
    properties.setProperty("org.quartz.scheduler.instanceName", "keelson-" + java.util.UUID.randomUUID());
    properties.setProperty("org.quartz.threadPool.threadCount", Integer.toString(Math.max(2, sources.size())));
    properties.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    try {
      scheduler = new StdSchedulerFactory(properties).getScheduler();
      scheduler.setJobFactory((bundle, ignored) -> new SyncJob(this.sources.get(bundle.getJobDetail().getKey().getName())));
      for (Map.Entry<String, Duration> entry : intervals.entrySet()) {
        schedule(entry.getKey(), entry.getValue());
      }
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot set up the sync scheduler: " + e.getMessage(), e);
    }
  }

  private void schedule(String source, Duration interval) throws SchedulerException {
    JobDetail job = JobBuilder.newJob(SyncJob.class).withIdentity(source, GROUP).storeDurably().build();
    // The first interval run comes one interval (plus jitter) after start, which syncs every source at once.
    long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, Math.min(interval.toMillis(), 10_000)));
    Trigger trigger = TriggerBuilder.newTrigger().withIdentity(source + "-interval", GROUP).forJob(job)
        .startAt(new Date(System.currentTimeMillis() + interval.toMillis() + jitter))
        .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(interval.toMillis())
            .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
        .build();
    scheduler.scheduleJob(job, java.util.Set.of(trigger), true);
  }

  /** Starts and stops {@code beside} with this scheduler. */
  public void attach(LeaderWork beside) {
    work.add(beside);
  }

  /** Starts (or resumes) running jobs and syncs every source now. */
  public void start() {
    try {
      scheduler.start();
      work.forEach(LeaderWork::start);
      sources.keySet().forEach(this::syncNow);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot start the sync scheduler: " + e.getMessage(), e);
    }
  }

  /** Starts the work beside the syncs, with every source's job paused until {@link #resume} (sharded replicas). */
  public void startSharded() {
    try {
      for (String source : sources.keySet()) {
        scheduler.pauseJob(JobKey.jobKey(source, GROUP));
      }
      scheduler.start();
      work.forEach(LeaderWork::start);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot start the sync scheduler: " + e.getMessage(), e);
    }
  }

  /** Runs {@code source}'s job again at its interval, and syncs it now (this replica took it over). */
  public void resume(String source) {
    try {
      scheduler.resumeJob(JobKey.jobKey(source, GROUP));
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot resume the syncs of " + source + ": " + e.getMessage(), e);
    }
    syncNow(source);
  }

  /** Stops running {@code source}'s job at its interval (this replica no longer holds it). */
  public void pause(String source) {
    try {
      scheduler.pauseJob(JobKey.jobKey(source, GROUP));
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot pause the syncs of " + source + ": " + e.getMessage(), e);
    }
  }

  /** Stops running jobs without forgetting them (leadership lost). */
  public void standby() {
    work.forEach(LeaderWork::standby);
    try {
      scheduler.standby();
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot pause the sync scheduler: " + e.getMessage(), e);
    }
  }

  /** Whether {@code source} is one of the configured sources. */
  public boolean knows(String source) {
    return sources.containsKey(source);
  }

  /** Asks for a sync of {@code source} as soon as possible; false if the source is unknown. */
  public boolean syncNow(String source) {
    SourceController controller = sources.get(source);
    if (controller == null) {
      return false;
    }
    if (controller.requestSync()) {
      try {
        scheduler.triggerJob(JobKey.jobKey(source, GROUP));
      } catch (SchedulerException e) {
        throw new IllegalStateException("cannot trigger a sync of " + source + ": " + e.getMessage(), e);
      }
    }
    return true;
  }

  /** Stops for good, waiting up to {@link #SHUTDOWN_GRACE} for the syncs in hand. */
  @Override
  public void close() {
    close(SHUTDOWN_GRACE);
  }

  /**
   * Stops for good, waiting up to {@code grace} for the syncs in hand; close the {@link WriteFence} first so
   * they end at their next check. One still running after that (e.g. stuck in a Git fetch) is left to die with
   * the process: it writes nothing more, and the next start resyncs.
   */
  public void close(Duration grace) {
    work.forEach(LeaderWork::close);
    Thread stopping = new Thread(() -> {
      try {
        scheduler.shutdown(true);
      } catch (SchedulerException e) {
        LOG.warn("cannot stop the sync scheduler: {}", e.getMessage());
      }
    }, "keelson-scheduler-shutdown");
    stopping.setDaemon(true);
    stopping.start();
    try {
      stopping.join(grace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (stopping.isAlive()) {
      LOG.warn("syncs still running {} ms after stop was asked; abandoned (the next start resyncs)",
          grace.toMillis());
    }
  }

  /** Runs one reconcile of one source. */
  @DisallowConcurrentExecution
  public static final class SyncJob implements Job {

    private final SourceController source;

    public SyncJob(SourceController source) {
      this.source = source;
    }

    @Override
    public void execute(JobExecutionContext context) {
      try {
        source.reconcile();
      } catch (WriteFence.LeadershipLost e) {
        LOG.info("source {}: reconcile abandoned: {}", source.name(), e.getMessage());
      }
    }
  }
}
