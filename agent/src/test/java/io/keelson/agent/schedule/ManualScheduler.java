package io.keelson.agent.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduled executor on a clock that stands still until the test moves it: {@link #advance} runs every task
 * falling due meanwhile, in time order and on the test's thread, so what a schedule does in a minute is seen in
 * no time at all, the same on a loaded machine as on an idle one. {@link #clock()} reads the same time.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>(
      Comparator.comparing((Task<?> task) -> task.due).thenComparingLong(task -> task.order));
  private long scheduled;
  private Instant now;
  private boolean shutdown;

  ManualScheduler(Instant start) {
    this.now = start;
  }

  /** The scheduler's time. */
  Clock clock() {
    return new Clock() {
      @Override
      public Instant instant() {
        return now;
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
      }
    };
  }

  /** Moves the time on by {@code duration}, running each task when its time comes; a task's failure is thrown. */
  void advance(Duration duration) {
    Instant until = now.plus(duration);
    for (Task<?> task = queue.peek(); task != null && !task.due.isAfter(until); task = queue.peek()) {
      queue.poll();
      if (task.isCancelled()) {
        continue;
      }
      now = task.due;
      task.run();
      if (task.isDone() && !task.isCancelled()) {
        try {
          task.get();
        } catch (ExecutionException e) {
          throw new AssertionError("a scheduled task failed", e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
    now = until;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return enqueue(new Task<>(Executors.callable(command), delay(delay, unit), null));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return enqueue(new Task<>(callable, delay(delay, unit), null));
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return enqueue(new Task<>(Executors.callable(command), delay(initialDelay, unit), delay(delay, unit)));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException("not used by the code under test");
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.MILLISECONDS);
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> pending = new ArrayList<>(queue);
    queue.clear();
    return pending;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return shutdown;
  }

  private static Duration delay(long delay, TimeUnit unit) {
    return Duration.ofNanos(unit.toNanos(Math.max(0, delay)));
  }

  private <V> Task<V> enqueue(Task<V> task) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    }
    queue.add(task);
    return task;
  }

  /** One task; one with a {@code period} is put back that long after each run. */
  private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {

    private final long order = scheduled++;
    private final Duration period;
    private Instant due;

    Task(Callable<V> callable, Duration delay, Duration period) {
      super(callable);
      this.due = now.plus(delay);
      this.period = period;
    }

    @Override
    public void run() {
      if (period == null) {
        super.run();
      } else if (runAndReset()) {
        due = now.plus(period);
        queue.add(this);
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(Duration.between(now, due));
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }
  }
}
