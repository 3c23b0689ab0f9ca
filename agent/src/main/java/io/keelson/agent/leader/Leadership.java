package io.keelson.agent.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a Lease, so two replicas never reconcile at once. The leader runs {@code onStart};
 * losing the lease runs {@code onStop} at once. A replica that lost the lease campaigns again, so a
 * follower takes over within the lease duration when the leader dies. Every successful renewal moves the
 * {@link WriteFence}'s deadline; the fence closes on its own when renewals stall, before the elector notices.
 * {@code client} must not be fenced itself: it renews the Lease.
 */
public final class Leadership implements LeaderState, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  /** What leadership switches on and off. */
  public interface Listener {
    void startLeading();

    void stopLeading();
  }

  private final KubernetesClient client;
  private final String namespace;
  private final String leaseName;
  private final String identity;
  private final Duration leaseDuration;
  private final Duration renewDeadline;
  private final Duration retryPeriod;
  private final Listener listener;
  private final WriteFence fence;
  private final AtomicReference<String> leader = new AtomicReference<>("");
  private volatile boolean leading;
  private volatile boolean closed;
  private volatile CompletableFuture<?> campaign;

  public Leadership(KubernetesClient client, String namespace, String leaseName, String identity,
      Duration leaseDuration, Duration renewDeadline, Duration retryPeriod, WriteFence fence, Listener listener) {
    this.client = client;
    this.namespace = namespace;
    this.leaseName = leaseName;
    this.identity = identity;
    this.leaseDuration = leaseDuration;
    this.renewDeadline = renewDeadline;
    this.retryPeriod = retryPeriod;
    this.listener = listener;
    this.fence = fence;
  }

  public synchronized void start() {
    if (closed) {
      return;
    }
    LeaderElector elector = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
        .withName("keelson-agent")
        .withLock(new RenewalTimer(new LeaseLock(namespace, leaseName, identity)))
        .withLeaseDuration(leaseDuration).withRenewDeadline(renewDeadline).withRetryPeriod(retryPeriod)
        .withReleaseOnCancel(true)
        .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, leader::set))
        .build()).build();
    campaign = elector.start();
    campaign.whenComplete((ignored, error) -> {
      if (!closed) {
        LOG.info("leader election for {} ended ({}); campaigning again", leaseName,
            error == null ? "lease lost" : error.toString());
        start();
      }
    });
  }

  private void started() {
    LOG.info("{} leads {}/{}", identity, namespace, leaseName);
    fence.started();
    leading = true;
    listener.startLeading();
  }

  private void stopped() {
    fence.stopped();
    if (leading) {
      LOG.info("{} no longer leads {}/{}", identity, namespace, leaseName);
    }
    leading = false;
    listener.stopLeading();
  }

  @Override
  public boolean isLeader() {
    return leading && fence.holds();
  }

  @Override
  public String leader() {
    return leader.get();
  }

  /** How long a follower asks callers to wait before trying again: by then a leader holds the Lease. */
  @Override
  public Duration retryAfter() {
    return leaseDuration;
  }

  /** The Lease, timing each of this replica's successful writes of it for the fence. */
  private final class RenewalTimer implements Lock {

    private final Lock lease;

    RenewalTimer(Lock lease) {
      this.lease = lease;
    }

    @Override
    public LeaderElectionRecord get(KubernetesClient client) {
      return lease.get(client);
    }

    @Override
    public void create(KubernetesClient client, LeaderElectionRecord record) {
      long sentAt = fence.now();
      lease.create(client, record);
      timed(record, sentAt);
    }

    @Override
    public void update(KubernetesClient client, LeaderElectionRecord record) {
      long sentAt = fence.now();
      lease.update(client, record);
      timed(record, sentAt);
    }

    private void timed(LeaderElectionRecord record, long sentAt) {
      if (identity.equals(record.getHolderIdentity())) {
        fence.renewed(sentAt);
      }
    }

    @Override
    public String identity() {
      return lease.identity();
    }

    @Override
    public String describe() {
      return lease.describe();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (campaign != null) {
      campaign.cancel(true);
    }
  }
}
