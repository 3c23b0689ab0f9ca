package io.keelson.agent.metrics;

import io.keelson.agent.sync.SyncResult;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The agent's Prometheus metrics, served on the admin port at /metrics. */
public final class AgentMetrics {

  private final PrometheusRegistry registry;
  private final Histogram syncDuration;
  private final Counter syncs;
  private final Counter syncsAbandoned;
  private final Gauge lastSuccess;
  private final Gauge revisionInfo;
  private final Gauge managedObjects;
  private final Counter driftCorrections;
  private final Counter prunes;
  private final Counter webhooks;
  private final Counter releasePhases;
  private final Counter releaseTickFailures;
  private final Gauge stale;
  private final Counter gitFailures;
  private final Map<String, String> currentRevision = new ConcurrentHashMap<>();

  public AgentMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    syncDuration = Histogram.builder().name("keelson_sync_duration_seconds")
        .help("Duration of a sync of one source").labelNames("source")
        .classicUpperBounds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120).register(registry);
    syncs = Counter.builder().name("keelson_syncs_total").help("Syncs by outcome (APPLIED, REJECTED, FAILED)")
        .labelNames("source", "outcome").register(registry);
    syncsAbandoned = Counter.builder().name("keelson_syncs_abandoned_total")
        .help("Syncs abandoned before their next write because this replica lost its Lease")
        .labelNames("source").register(registry);
    lastSuccess = Gauge.builder().name("keelson_last_successful_sync_timestamp_seconds")
        .help("When the source last applied Git successfully (not while Git is down or a mass prune is refused)")
        .labelNames("source").register(registry);
    revisionInfo = Gauge.builder().name("keelson_source_revision_info")
        .help("The revision a source last applied (value 1)").labelNames("source", "revision").register(registry);
    managedObjects = Gauge.builder().name("keelson_managed_objects").help("Objects a source manages")
        .labelNames("source").register(registry);
    driftCorrections = Counter.builder().name("keelson_drift_corrections_total")
        .help("Changes by others put back to Git's state").labelNames("source").register(registry);
    prunes = Counter.builder().name("keelson_prunes_total").help("Objects deleted because they left Git")
        .labelNames("source").register(registry);
    webhooks = Counter.builder().name("keelson_webhook_requests_total").help("Webhook requests by result")
        .labelNames("source", "result").register(registry);
    releasePhases = Counter.builder().name("keelson_release_phase_changes_total")
        .help("Releases entering a phase (RollingBack counts rollbacks)").labelNames("namespace", "policy", "phase")
        .register(registry);
    releaseTickFailures = Counter.builder().name("keelson_release_tick_failures_total")
        .help("Release ticks that could not finish, e.g. their status write was refused; retried next tick")
        .labelNames("namespace", "policy").register(registry);
    stale = Gauge.builder().name("keelson_source_stale")
        .help("1 while a source cannot use Git and keeps its last applied state, else 0").labelNames("source")
        .register(registry);
    gitFailures = Counter.builder().name("keelson_git_failures_total")
        .help("Failed Git operations by reason (UNREACHABLE, TIMEOUT, AUTH, NOT_FOUND, SIGNATURE, CORRUPT)")
        .labelNames("source", "reason").register(registry);
  }

  public static AgentMetrics withJvm(PrometheusRegistry registry) {
    JvmMetrics.builder().register(registry);
    return new AgentMetrics(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** @param stale whether Git could not be reached, so the sync was of the revision fetched last */
  public void synced(SyncResult result, int managed, boolean stale) {
    String source = result.source();
    syncDuration.labelValues(source).observe(result.duration().toNanos() / 1e9);
    syncs.labelValues(source, result.outcome().name()).inc();
    if (result.outcome() == SyncResult.Outcome.APPLIED) {
      if (result.pruneRefusal().isEmpty() && !stale) {
        // A refused prune leaves objects Git no longer declares, and a stale source may lag behind Git:
        // both need someone, so the alert on an old last success must see them.
        lastSuccess.labelValues(source).set(result.finishedAt().toEpochMilli() / 1000.0);
      }
      String previous = currentRevision.put(source, result.revision());
      if (previous != null && !previous.equals(result.revision())) {
        revisionInfo.remove(source, previous);
      }
      revisionInfo.labelValues(source, result.revision()).set(1);
      managedObjects.labelValues(source).set(managed);
    }
    long pruned = result.changes().with(io.keelson.agent.plan.Action.DELETED).size();
    if (pruned > 0) {
      prunes.labelValues(source).inc(pruned);
    }
  }

  public void syncAbandoned(String source) {
    syncsAbandoned.labelValues(source).inc();
  }

  /** Whether a source is stale now; set on every change of its view. */
  public void stale(String source, boolean isStale) {
    stale.labelValues(source).set(isStale ? 1 : 0);
  }

  public void gitFailed(String source, String reason) {
    gitFailures.labelValues(source, reason).inc();
  }

  public void driftCorrected(String source) {
    driftCorrections.labelValues(source).inc();
  }

  public void webhook(String source, String result) {
    webhooks.labelValues(source, result).inc();
  }

  /** A release entered a phase; alerts watch {@code phase="RollingBack"}. */
  public void releasePhase(String namespace, String policy, String phase) {
    releasePhases.labelValues(namespace, policy, phase).inc();
  }

  /** A release tick could not finish (its status not written, the API server failing); it is retried. */
  public void releaseTickFailed(String namespace, String policy) {
    releaseTickFailures.labelValues(namespace, policy).inc();
  }
}
