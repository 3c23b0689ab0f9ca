package io.keelson.mesh;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
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

  /** What calls {@link #tick()} every {@value #TICK_MILLIS} ms: a scheduler thread, or a test by hand. */
  interface Ticker extends AutoCloseable {

    /** Calls {@code tick} every {@code periodMillis} from now on; running the returned action stops that. */
    Runnable every(long periodMillis, Runnable tick);

    @Override
    void close();
  }

  private final DataPlane plane;
  private final LongSupplier nanoTime;
  private final Ticker ticker;
  private final AtomicReference<List<Flow>> flows = new AtomicReference<>(List.of());
  private final AtomicLong sent = new AtomicLong();
  private Runnable ticking;
  private long lastTick;

  LoadGenerator(DataPlane plane) {
    this(plane, System::nanoTime, new SchedulerTicker());
  }

  LoadGenerator(DataPlane plane, LongSupplier nanoTime, Ticker ticker) {
    this.plane = plane;
    this.nanoTime = nanoTime;
    this.ticker = ticker;
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
    lastTick = nanoTime.getAsLong();
    ticking = ticker.every(TICK_MILLIS, this::tick);
  }

  /** Stops sending; {@link #start()} resumes. */
  public synchronized void stop() {
    if (ticking != null) {
      ticking.run();
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
    ticker.close();
  }

  private void tick() {
    long now = nanoTime.getAsLong();
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

  /** One daemon thread, made at the first start, ticking at a fixed rate. */
  private static final class SchedulerTicker implements Ticker {

    private ScheduledExecutorService scheduler;

    @Override
    public synchronized Runnable every(long periodMillis, Runnable tick) {
      if (scheduler == null) {
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
          Thread thread = new Thread(runnable, "mesh-load");
          thread.setDaemon(true);
          return thread;
        });
      }
      ScheduledFuture<?> future = scheduler.scheduleAtFixedRate(tick, periodMillis, periodMillis,
          TimeUnit.MILLISECONDS);
      return () -> future.cancel(false);
    }

    @Override
    public synchronized void close() {
      if (scheduler != null) {
        scheduler.shutdownNow();
        scheduler = null;
      }
    }
  }
}
