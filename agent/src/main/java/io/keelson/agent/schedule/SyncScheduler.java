package io.keelson.agent.schedule;

import io.keelson.agent.leader.WriteFence;
import io.keelson.agent.source.SourceController;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
 * {@link SourceController#requestSync}). Repeating tasks (release ticks) run on threads of their own. The
 * scheduler only runs while this replica leads.
 */
public final class SyncScheduler implements AutoCloseable {

  private static final String GROUP = "sources";
  private static final Logger LOG = LoggerFactory.getLogger(SyncScheduler.class);
  /** How long stopping waits for the syncs in hand: well within Kubernetes' default 30 s grace period. */
  public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
  private final Scheduler scheduler;
  private final Map<String, SourceController> sources;
  private final Map<String, RepeatingTask> tasks = new ConcurrentHashMap<>();

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

  /**
   * Runs {@code task} every {@code every} while the scheduler runs, never twice at once, on a thread of its
   * own: no number of syncs stuck in health waits can hold it up.
   */
  public void scheduleRepeating(String name, Duration every, Runnable task) {
    tasks.put(name, new RepeatingTask(name, every, task));
  }

  /** Asks for a run of a repeating task as soon as possible (none while the scheduler stands by, or unknown). */
  public void runNow(String task) {
    RepeatingTask repeating = tasks.get(task);
    if (repeating != null) {
      repeating.runNow();
    }
  }

  /** Starts (or resumes) running jobs and syncs every source now. */
  public void start() {
    try {
      scheduler.start();
      tasks.values().forEach(RepeatingTask::start);
      sources.keySet().forEach(this::syncNow);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot start the sync scheduler: " + e.getMessage(), e);
    }
  }

  /** Stops running jobs without forgetting them (leadership lost). */
  public void standby() {
    tasks.values().forEach(RepeatingTask::stop);
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
    tasks.values().forEach(RepeatingTask::close);
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

  /** A task repeated with a fixed delay on its own thread while started; a failed run is logged and retried. */
  private static final class RepeatingTask {

    private final String name;
    private final Duration every;
    private final Runnable task;
    private final ScheduledExecutorService thread;
    private volatile boolean started;
    private ScheduledFuture<?> repeating;

    RepeatingTask(String name, Duration every, Runnable task) {
      this.name = name;
      this.every = every;
      this.task = task;
      this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "keelson-" + name);
        thread.setDaemon(true);
        return thread;
      });
    }

    synchronized void start() {
      started = true;
      if (repeating == null) {
        repeating = thread.scheduleWithFixedDelay(this::run, 0, every.toMillis(), TimeUnit.MILLISECONDS);
      }
    }

    synchronized void stop() {
      started = false;
      if (repeating != null) {
        repeating.cancel(false);
        repeating = null;
      }
    }

    void runNow() {
      if (started) {
        thread.execute(this::run);
      }
    }

    void close() {
      stop();
      thread.shutdownNow();
    }

    private void run() {
      if (!started) {
        return;
      }
      try {
        task.run();
      } catch (WriteFence.LeadershipLost e) {
        LOG.info("{}: abandoned: {}", name, e.getMessage());
      } catch (RuntimeException e) {
        LOG.warn("{}: run failed, retrying in {} ms: {}", name, every.toMillis(), e.toString());
      }
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
