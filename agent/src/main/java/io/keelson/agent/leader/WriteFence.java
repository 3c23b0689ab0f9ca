package io.keelson.agent.leader;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.time.Duration;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Whether this replica may write to the cluster, asked before every write. Leadership is counted from the
 * moment the last successful renewal of the Lease was <em>sent</em> and lapses {@code renewDeadline} later
 * unless renewed again: a replica whose renewals stall stops writing before any other replica can take the
 * Lease, which needs the longer {@code leaseDuration} without a renewal. Losing the Lease closes the fence at
 * once. Each leadership is a new {@link Term}; work begun under a term stops when that term ends, even if this
 * replica leads again meanwhile (its plan was made on what it saw then).
 */
public final class WriteFence {

  private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

  /** One leadership of this replica. */
  public record Term(long number) {}

  /** Thrown instead of a write when this replica no longer leads: the work in hand is abandoned. */
  public static final class LeadershipLost extends IllegalStateException {
    LeadershipLost(String message) {
      super(message);
    }
  }

  private final Duration renewDeadline;
  private final LongSupplier nanoTime;
  private long term;
  private boolean leading;
  private boolean closed;
  private boolean renewedOnce;
  private long lastRenewal;
  private long validUntil;

  WriteFence(Duration renewDeadline, LongSupplier nanoTime) {
    this.renewDeadline = renewDeadline;
    this.nanoTime = nanoTime;
  }

  /** A fence for a replica that elects no leader: it always leads, in one term. */
  public static WriteFence unfenced() {
    WriteFence fence = new WriteFence(null, System::nanoTime);
    fence.started();
    return fence;
  }

  /** A fence that lapses {@code renewDeadline} after the last renewal; closed until leadership starts. */
  public static WriteFence forLease(Duration renewDeadline) {
    return new WriteFence(renewDeadline, System::nanoTime);
  }

  /** The current term, for work about to begin. */
  public synchronized Term begin() {
    Term current = new Term(term);
    check(current);
    return current;
  }

  /** True while this replica leads in {@code term} and its renew deadline has not passed. */
  public synchronized boolean holds(Term term) {
    return leading && !closed && this.term == term.number()
        && (renewDeadline == null || nanoTime.getAsLong() - validUntil < 0);
  }

  /** True while this replica leads, whatever the term. */
  public synchronized boolean holds() {
    return holds(new Term(term));
  }

  /** Ends the work in hand if {@code term} is over. */
  public void check(Term term) {
    if (!holds(term)) {
      throw new LeadershipLost("this replica no longer leads (term " + term.number() + " is over); write abandoned");
    }
  }

  /** The clock renewals are timed with: read it before sending a renewal. */
  long now() {
    return nanoTime.getAsLong();
  }

  /** A renewal sent at {@code sentAt} succeeded. */
  synchronized void renewed(long sentAt) {
    if (!renewedOnce || sentAt - lastRenewal > 0) {
      lastRenewal = sentAt;
      renewedOnce = true;
    }
    if (leading && renewDeadline != null) {
      validUntil = lastRenewal + renewDeadline.toNanos();
    }
  }

  /** This replica acquired the Lease (its acquiring write was the last renewal). */
  synchronized void started() {
    term++;
    leading = true;
    if (!renewedOnce) {
      renewed(nanoTime.getAsLong());
    }
    if (renewDeadline != null) {
      validUntil = lastRenewal + renewDeadline.toNanos();
    }
  }

  /**
   * This replica is stopping: the fence closes for good, whatever the Lease says, so syncs still in hand
   * (e.g. in a long health wait) are abandoned before their next write instead of holding up the stop.
   */
  public synchronized void close() {
    closed = true;
  }

  /** This replica lost or gave up the Lease. */
  synchronized void stopped() {
    leading = false;
  }

  /**
   * The last line of defence, for a client whose every request is this replica's: refuses any write
   * (dry runs are reads) while the fence is closed, so nothing queued before leadership ended reaches the
   * cluster after it. The Lease itself is renewed through another client.
   */
  public Interceptor interceptor() {
    return new Interceptor() {
      @Override
      public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        if (!READS.contains(request.method()) && !dryRun(request) && !holds()) {
          throw new LeadershipLost("this replica no longer leads; " + request.method() + " "
              + request.uri().getPath() + " refused");
        }
      }
    };
  }

  private static boolean dryRun(HttpRequest request) {
    String query = request.uri().getRawQuery();
    return query != null && query.contains("dryRun=All");
  }
}
