package io.keelson.agent.leader;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.keelson.agent.model.Ownership;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sources sharded across replicas, one Lease per source, on nothing but the API server: every write of a
 * source Lease carries the resourceVersion it was read at, so of two replicas reaching for one Lease the API
 * server lets one through and answers the other 409. Each replica also renews a heartbeat Lease of its own;
 * the heartbeats renewed within the lease duration are the live replicas, from which {@link FairShare}
 * decides how many sources this one may hold.
 *
 * <p>Every {@code retryPeriod}, one round: renew the heartbeat, list the group's Leases, renew the source
 * Leases held, then take free ones up to the fair share or let those over it lapse. A Lease counts as expired
 * when its resourceVersion has not changed for its {@code leaseDurationSeconds} as timed on this replica's own
 * monotonic clock (as client-go does), so clocks of different machines are never compared. Each source has its
 * own {@link WriteFence}: it lapses {@code renewDeadline} after the last renewal sent, before any other replica
 * can see the Lease expire, and closes at once when a renewal is refused. A Lease let go (over the share)
 * simply lapses, so its next holder takes it exactly as from a dead replica; only a replica that stops, its
 * syncs ended, releases its Leases for an immediate hand-over. {@code client} must not be fenced itself.
 */
public final class SourceLeases implements LeaderState, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SourceLeases.class);
  /** The Leases of one agent deployment carry its lease name under this label. */
  public static final String GROUP_LABEL = "keelson.io/lease-group";
  /** {@code replica} (a heartbeat) or {@code source}. */
  public static final String ROLE_LABEL = "keelson.io/lease-role";
  /** The source a source Lease stands for (Lease names are sanitised; the label is not). */
  public static final String SOURCE_ANNOTATION = "keelson.io/source";

  /** What holding a source switches on and off. */
  public interface Listener {
    void startSource(String source);

    void stopSource(String source);
  }

  /** The Leases' timing: {@code retryPeriod < renewDeadline < leaseDuration}. */
  public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {}

  private record Seen(String resourceVersion, long since) {}

  private final KubernetesClient client;
  private final String namespace;
  private final String group;
  private final String identity;
  private final Timing timing;
  private final List<String> preferred;
  private volatile Listener listener;
  private final LongSupplier nanoTime;
  private final Map<String, WriteFence> fences = new LinkedHashMap<>();
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  private final Map<String, String> holders = new ConcurrentHashMap<>();
  private final Map<String, Seen> seen = new HashMap<>();
  private final ScheduledExecutorService rounds;
  private volatile boolean closed;

  public SourceLeases(KubernetesClient client, String namespace, String group, String identity, Timing timing,
      List<String> sources) {
    this.client = client;
    this.namespace = namespace;
    this.group = group;
    this.identity = identity;
    this.timing = timing;
    this.preferred = FairShare.preference(identity, sources);
    this.nanoTime = System::nanoTime;
    sources.forEach(source -> fences.put(source, new WriteFence(timing.renewDeadline(), nanoTime)));
    this.rounds = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "keelson-source-leases");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** The fence of one source's writes: open while this replica holds that source's Lease. */
  public WriteFence fence(String source) {
    return fences.get(source);
  }

  /** Whether this replica holds {@code source} and may write for it. */
  public boolean holds(String source) {
    WriteFence fence = fences.get(source);
    return fence != null && held.contains(source) && fence.holds();
  }

  /**
   * Whether this replica drives the release of a policy carrying {@code labels}: a release follows the Lease of
   * the source that applied its policy; one applied by none of the configured sources, the first source's.
   */
  public boolean drives(Map<String, String> labels) {
    String source = labels == null ? null : labels.get(Ownership.SOURCE_LABEL);
    if (fences.isEmpty()) {
      return false;
    }
    return holds(source != null && fences.containsKey(source) ? source : fences.keySet().iterator().next());
  }

  /** Starts campaigning; {@code listener} hears of every source taken and lost. */
  public void start(Listener listener) {
    this.listener = listener;
    rounds.scheduleWithFixedDelay(this::round, 0, timing.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Closes every source's fence for good and stops campaigning: syncs in hand end at their next write, before
   * {@link #close} releases the Leases.
   */
  public void stopWriting() {
    closed = true;
    fences.values().forEach(WriteFence::close);
  }

  private synchronized void round() {
    if (closed) {
      return;
    }
    try {
      heartbeat();
      Map<String, Lease> leases = client.leases().inNamespace(namespace).withLabel(GROUP_LABEL, group).list()
          .getItems().stream().collect(Collectors.toMap(lease -> lease.getMetadata().getName(), lease -> lease));
      long now = nanoTime.getAsLong();
      observe(leases.values(), now);
      Map<String, Lease> bySource = new HashMap<>();
      for (String source : preferred) {
        Optional.ofNullable(leases.get(leaseName(source))).ifPresent(lease -> bySource.put(source, lease));
      }
      for (String source : List.copyOf(held)) {
        renew(source, bySource.get(source));
      }
      Set<String> free = new HashSet<>();
      for (String source : preferred) {
        Lease lease = bySource.get(source);
        holders.put(source, lease == null ? "" : Optional.ofNullable(lease.getSpec().getHolderIdentity()).orElse(""));
        if (lease == null || expired(lease, now)) {
          free.add(source);
        }
      }
      int live = liveReplicas(leases.values(), now);
      FairShare.Plan plan = FairShare.decide(preferred, Set.copyOf(held), free, live);
      plan.release().forEach(source -> stop(source, "over this replica's share of " + FairShare.of(preferred.size(),
          live) + " with " + live + " live replicas; the Lease lapses for another"));
      plan.acquire().forEach(source -> acquire(source, bySource.get(source)));
    } catch (RuntimeException e) {
      // The API server unreachable: held fences lapse on their own at the renew deadline.
      LOG.warn("source leases: round failed, retrying in {} ms: {}", timing.retryPeriod().toMillis(), e.toString());
    }
  }

  /** This replica's heartbeat; only it writes it, so no precondition is needed. */
  private void heartbeat() {
    Lease lease = new LeaseBuilder().withNewMetadata().withName(heartbeatName()).withNamespace(namespace)
        .withLabels(Map.of(GROUP_LABEL, group, ROLE_LABEL, "replica")).endMetadata()
        .withNewSpec().withHolderIdentity(identity).withLeaseDurationSeconds(leaseSeconds())
        .withRenewTime(now()).endSpec().build();
    client.leases().inNamespace(namespace).resource(lease).fieldManager("keelson-agent").forceConflicts()
        .serverSideApply();
  }

  private void observe(java.util.Collection<Lease> leases, long now) {
    Set<String> present = new HashSet<>();
    for (Lease lease : leases) {
      String name = lease.getMetadata().getName();
      present.add(name);
      Seen before = seen.get(name);
      String version = lease.getMetadata().getResourceVersion();
      if (before == null || !before.resourceVersion().equals(version)) {
        seen.put(name, new Seen(version, now));
      }
    }
    seen.keySet().retainAll(present);
  }

  /** No holder, or no change seen for its lease duration. */
  private boolean expired(Lease lease, long now) {
    String holder = lease.getSpec().getHolderIdentity();
    if (holder == null || holder.isEmpty()) {
      return true;
    }
    Seen since = seen.get(lease.getMetadata().getName());
    Integer seconds = lease.getSpec().getLeaseDurationSeconds();
    long duration = Duration.ofSeconds(seconds == null ? leaseSeconds() : seconds).toNanos();
    return since != null && now - since.since() > duration;
  }

  /**
   * This replica and every other whose heartbeat has not expired. An expired heartbeat is deleted at the version
   * seen (a replica that comes back writes it again), so replicas that are gone for good leave nothing behind.
   */
  private int liveReplicas(java.util.Collection<Lease> leases, long now) {
    Set<String> live = new HashSet<>(Set.of(identity));
    for (Lease lease : leases) {
      Map<String, String> labels = lease.getMetadata().getLabels();
      if (!"replica".equals(labels == null ? null : labels.get(ROLE_LABEL))
          || lease.getMetadata().getName().equals(heartbeatName())) {
        continue;
      }
      if (!expired(lease, now)) {
        live.add(lease.getSpec().getHolderIdentity());
      } else {
        try {
          client.leases().inNamespace(namespace).withName(lease.getMetadata().getName())
              .lockResourceVersion(lease.getMetadata().getResourceVersion()).delete();
        } catch (KubernetesClientException e) {
          LOG.debug("heartbeat {} not deleted (renewed or deleted meanwhile): {}", lease.getMetadata().getName(),
              e.getMessage());
        }
      }
    }
    return live.size();
  }

  private void renew(String source, Lease lease) {
    if (lease == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
      stop(source, "its Lease is now " + (lease == null ? "gone" : "held by " + lease.getSpec().getHolderIdentity()));
      return;
    }
    lease.getSpec().setRenewTime(now());
    WriteFence fence = fences.get(source);
    boolean lapsed = !fence.holds();
    if (write(source, lease, false) && lapsed && held.contains(source)) {
      // Renewals stalled past the renew deadline, so the sync in hand was abandoned; nobody took the Lease
      // meanwhile (the write's precondition says so): a new term, which syncs the source afresh.
      LOG.info("{} holds source {} again after its renewals stalled", identity, source);
      fence.stopped();
      fence.started();
      listener.startSource(source);
    }
  }

  private void acquire(String source, Lease lease) {
    ZonedDateTime now = now();
    Lease taken = lease == null
        ? new LeaseBuilder().withNewMetadata().withName(leaseName(source)).withNamespace(namespace)
            .withLabels(Map.of(GROUP_LABEL, group, ROLE_LABEL, "source"))
            .withAnnotations(Map.of(SOURCE_ANNOTATION, source)).endMetadata()
            .withNewSpec().withLeaseTransitions(0).endSpec().build()
        : lease;
    String previous = taken.getSpec().getHolderIdentity();
    taken.getSpec().setHolderIdentity(identity);
    taken.getSpec().setLeaseDurationSeconds(leaseSeconds());
    taken.getSpec().setAcquireTime(now);
    taken.getSpec().setRenewTime(now);
    if (lease != null) {
      taken.getSpec().setLeaseTransitions(Optional.ofNullable(taken.getSpec().getLeaseTransitions()).orElse(0) + 1);
    }
    if (write(source, taken, true)) {
      LOG.info("{} holds source {} (Lease {}/{}{})", identity, source, namespace, leaseName(source),
          previous == null || previous.isEmpty() ? "" : ", taken over from " + previous);
      holders.put(source, identity);
      held.add(source);
      fences.get(source).started();
      listener.startSource(source);
    }
  }

  /**
   * Creates or updates the Lease at the resourceVersion it was read at; true when the API server took it. The
   * fence's deadline counts from the moment the write was sent.
   */
  private boolean write(String source, Lease lease, boolean acquiring) {
    long sentAt = nanoTime.getAsLong();
    try {
      if (lease.getMetadata().getResourceVersion() == null) {
        client.leases().inNamespace(namespace).resource(lease).create();
      } else {
        client.leases().inNamespace(namespace).resource(lease).update();
      }
      fences.get(source).renewed(sentAt);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 404) {
        if (!acquiring) {
          stop(source, "its Lease was written by another replica");
        }
        return false;
      }
      throw e;
    }
  }

  private void stop(String source, String why) {
    if (held.remove(source)) {
      fences.get(source).stopped();
      LOG.info("{} no longer holds source {}: {}", identity, source, why);
      listener.stopSource(source);
    }
  }

  /** Whether this replica holds any source. */
  @Override
  public boolean isLeader() {
    return !held.isEmpty();
  }

  @Override
  public String leader() {
    return identity;
  }

  @Override
  public Duration retryAfter() {
    return timing.leaseDuration();
  }

  /** Who holds {@code source}: this replica, or the holder its last look at the Leases saw. */
  @Override
  public LeaderState forSource(String source) {
    return new LeaderState() {
      @Override
      public boolean isLeader() {
        return holds(source);
      }

      @Override
      public String leader() {
        return held.contains(source) ? identity : holders.getOrDefault(source, "");
      }

      @Override
      public Duration retryAfter() {
        return timing.leaseDuration();
      }
    };
  }

  /**
   * Stops campaigning, releases the held Leases (their holder cleared at the version read, so a successor takes
   * them at once) and deletes the heartbeat. Call after the syncs in hand have ended.
   */
  @Override
  public void close() {
    closed = true;
    rounds.shutdown();
    try {
      rounds.awaitTermination(timing.retryPeriod().toMillis() * 4, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stopWriting();
    for (String source : List.copyOf(held)) {
      held.remove(source);
      try {
        Lease lease = client.leases().inNamespace(namespace).withName(leaseName(source)).get();
        if (lease != null && identity.equals(lease.getSpec().getHolderIdentity())) {
          lease.getSpec().setHolderIdentity("");
          client.leases().inNamespace(namespace).resource(lease).update();
        }
      } catch (KubernetesClientException e) {
        LOG.info("cannot release the Lease of source {} (it lapses instead): {}", source, e.getMessage());
      }
    }
    try {
      client.leases().inNamespace(namespace).withName(heartbeatName()).delete();
    } catch (KubernetesClientException e) {
      LOG.info("cannot delete this replica's heartbeat Lease (it expires instead): {}", e.getMessage());
    }
  }

  /** {@code <leaseName>-source-<source>}, lower-cased and with characters a Lease name cannot hold as '-'. */
  String leaseName(String source) {
    return name("source-" + source);
  }

  String heartbeatName() {
    return name("replica-" + identity);
  }

  private String name(String suffix) {
    String name = (group + "-" + suffix).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
    return name.length() > 253 ? name.substring(0, 253) : name;
  }

  private int leaseSeconds() {
    return (int) Math.max(1, timing.leaseDuration().toSeconds());
  }

  private static ZonedDateTime now() {
    return ZonedDateTime.now(ZoneOffset.UTC);
  }
}
