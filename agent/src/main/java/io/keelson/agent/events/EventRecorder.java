package io.keelson.agent.events;

import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.plan.Action;
import io.keelson.agent.plan.Change;
import io.keelson.agent.sync.DriftCorrection;
import io.keelson.agent.sync.SyncResult;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events (events.k8s.io/v1) for what on-call engineers look for with {@code kubectl get events}:
 * each sync's outcome (on the agent's status ConfigMap), each prune and each drift correction (on the
 * object itself). Emitting an Event is best effort: a failure is logged, never fails the sync.
 */
public final class EventRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final String CONTROLLER = "keelson.io/agent";
  private static final int MAX_NOTE = 1024;
  private static final String CLUSTER_SCOPED_NAMESPACE = "default";
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final KubernetesClient client;
  private final String agentNamespace;
  private final String identity;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, String agentNamespace, String identity, Clock clock) {
    this.client = client;
    this.agentNamespace = agentNamespace;
    this.identity = identity;
    this.clock = clock;
  }

  /**
   * The sync's outcome on the status ConfigMap (a Warning when it failed, was rejected or prune was refused),
   * plus one Event on each object deleted, or whose write or delete failed, naming the API server's message.
   */
  public void synced(SyncResult result) {
    boolean ok = result.outcome() == SyncResult.Outcome.APPLIED && result.pruneRefusal().isEmpty();
    String note = "source " + result.source() + " at " + shortSha(result.revision()) + ": "
        + result.outcome().name().toLowerCase(java.util.Locale.ROOT) + ", " + result.summary()
        + (result.converged() || result.summary().contains(result.notConverged()) ? "" : "; " + result.notConverged());
    ObjectReference status = new ObjectReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
        .withNamespace(agentNamespace).withName("keelson-status").build();
    emit(status, ok ? "Normal" : "Warning", reason(result), "Sync", note);
    for (Change change : result.changes().with(Action.DELETED)) {
      emit(reference(change.ref()), "Normal", "Pruned", "Prune",
          "deleted by source " + result.source() + ": " + change.reason());
    }
    for (Change change : result.changes().with(Action.FAILED)) {
      emit(reference(change.ref()), "Warning", "SyncObjectFailed", "Sync",
          "source " + result.source() + " at " + shortSha(result.revision()) + ": " + change.reason());
    }
  }

  private static String reason(SyncResult result) {
    if (result.outcome() != SyncResult.Outcome.APPLIED) {
      return "SyncFailed";
    }
    return result.pruneRefusal().isPresent() ? "PruneRefused" : "SyncSucceeded";
  }

  public void driftCorrected(String source, DriftCorrection correction) {
    boolean ok = correction.action() != Action.FAILED;
    emit(reference(correction.ref()), ok ? "Normal" : "Warning", ok ? "DriftCorrected" : "DriftCorrectionFailed",
        "CorrectDrift", correction + " (source " + source + ")");
  }

  /** A release changed phase or step: an Event on the ReleasePolicy. */
  public void releaseChanged(io.keelson.release.api.ReleasePolicy policy, io.keelson.release.strategy.ReleaseEvent event) {
    boolean bad = event.to() == io.keelson.release.api.ReleasePhase.RollingBack
        || event.to() == io.keelson.release.api.ReleasePhase.Failed;
    ObjectReference regarding = new ObjectReferenceBuilder().withApiVersion(policy.getApiVersion())
        .withKind(policy.getKind()).withNamespace(policy.getMetadata().getNamespace())
        .withName(policy.getMetadata().getName()).withUid(policy.getMetadata().getUid()).build();
    String note = event.from() + " -> " + event.to() + (event.step() == null ? "" : " (step " + event.step() + ")")
        + (event.reason() == null || event.reason().isEmpty() ? "" : ": " + event.reason());
    emit(regarding, bad ? "Warning" : "Normal", "Release" + event.to(), "Release", note);
  }

  private void emit(ObjectReference regarding, String type, String reason, String action, String note) {
    // An Event lives in its object's namespace. The API server takes those about cluster-scoped objects only
    // in "default" (as kubectl and client-go record them), refusing any other namespace with a 422.
    String namespace = regarding.getNamespace() == null ? CLUSTER_SCOPED_NAMESPACE : regarding.getNamespace();
    try {
      client.events().v1().events().inNamespace(namespace).resource(new EventBuilder()
          .withNewMetadata().withGenerateName("keelson-").withNamespace(namespace).endMetadata()
          .withEventTime(new MicroTime(MICRO_TIME.format(clock.instant())))
          .withReportingController(CONTROLLER).withReportingInstance(identity)
          .withType(type).withReason(reason).withAction(action).withRegarding(regarding)
          .withNote(note.length() > MAX_NOTE ? note.substring(0, MAX_NOTE - 1) + "…" : note)
          .build()).create();
    } catch (KubernetesClientException e) {
      LOG.warn("cannot record the {} Event for {}: {}", reason, regarding.getName(), e.getMessage());
    }
  }

  private static ObjectReference reference(ObjectRef ref) {
    return new ObjectReferenceBuilder().withApiVersion(ref.apiVersion()).withKind(ref.kind())
        .withNamespace(ref.namespace()).withName(ref.name()).build();
  }

  private static String shortSha(String sha) {
    return sha.length() > 12 ? sha.substring(0, 12) : sha;
  }
}
