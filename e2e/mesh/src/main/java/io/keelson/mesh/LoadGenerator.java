package io.keelson.mesh;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steady traffic through the mesh from a list of {@link TrafficSource}s. Requests are not waited for: each
 * one's sampled latency is recorded as it would have been measured, so one thread sustains hundreds of
 * requests per second. Every tick sends what each source owes since the last tick; the fraction carries over.
 */
public final class LoadGenerator {

  private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
  private static final long TICK_MILLIS = 20;
  /** After a stall (e.g. a paused JVM) at most this much backlog is sent at once, so load never bursts. */
  private static final double MAX_BACKLOG_SECONDS = 1;

  /** A source with what it still owes, in requests. */
  private static final class Flow {
    final TrafficSource source;
    double owed;

    Flow(TrafficSource source) {
      this.source = source;
    }
  }

  private final DataPlane plane;
  private final AtomicReference<List<Flow>> flows = new AtomicReference<>(List.of());
  private final AtomicLong sent = new AtomicLong();
  private ScheduledExecutorService scheduler;
  private ScheduledFuture<?> ticking;
  private long lastTick;

  LoadGenerator(DataPlane plane) {
    this.plane = plane;
  }

  /** Replaces the sources; takes effect at the next tick, whether running or not. */
  public void setSources(List<TrafficSource> sources) {
    flows.set(sources.stream().map(Flow::new).toList());
  }

  public List<TrafficSource> sources() {
    return flows.get().stream().map(f -> f.source).toList();
  }

  /** Starts sending; does nothing when already running. */
  public synchronized void start() {
    if (ticking != null) {
      return;
    }
    if (scheduler == null) {
      scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "mesh-load");
        thread.setDaemon(true);
        return thread;
      });
    }
    lastTick = System.nanoTime();
    ticking = scheduler.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Stops sending; {@link #start()} resumes. */
  public synchronized void stop() {
    if (ticking != null) {
      ticking.cancel(false);
      ticking = null;
    }
  }

  public synchronized boolean running() {
    return ticking != null;
  }

  /** Requests sent since this generator was made. */
  public long requestsSent() {
    return sent.get();
  }

  synchronized void close() {
    stop();
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }

  private void tick() {
    long now = System.nanoTime();
    double seconds = Math.min(MAX_BACKLOG_SECONDS, (now - lastTick) / 1e9);
    lastTick = now;
    try {
      for (Flow flow : flows.get()) {
        flow.owed += flow.source.requestsPerSecond() * seconds;
        int due = (int) flow.owed;
        flow.owed -= due;
        Caller caller = flow.source.caller();
        MeshRequest request = flow.source.request();
        for (int i = 0; i < due; i++) {
          plane.record(plane.exchange(request), caller);
          sent.incrementAndGet();
        }
      }
    } catch (RuntimeException e) {
      // A failing tick must not cancel the schedule: the next one tries again.
      LOG.warn("mesh load tick failed", e);
    }
  }
}
