package io.keelson.release.controller;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.keelson.release.analysis.Analysis;
import io.keelson.release.analysis.CheckContext;
import io.keelson.release.analysis.Measurement;
import io.keelson.release.analysis.SequentialMonitor;
import io.keelson.release.analysis.TestRouteWebhook;
import io.keelson.release.api.Check;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicySpec;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.RouterKind;
import io.keelson.release.api.SequentialEvidence;
import io.keelson.release.deploy.PolicyKey;
import io.keelson.release.deploy.ReleaseAwareRender;
import io.keelson.release.strategy.AnalysisRequest;
import io.keelson.release.strategy.CheckResult;
import io.keelson.release.strategy.Decision;
import io.keelson.release.strategy.Observation;
import io.keelson.release.strategy.ReleaseStrategy;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.Routes;
import io.keelson.release.traffic.TrafficRouter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One tick of one release: observe (the policy, both Deployments, the live routes, the analysis when it
 * is due), decide (the pure {@link ReleaseStrategy}), act (routes first, then the status, patched once,
 * then the event). Every tick starts from what the cluster says, so a restart resumes exactly.
 */
public final class ReleaseReconciler {

  private final KubernetesClient client;
  private final TrafficRouter router;
  private final Analysis analysis;
  private final SequentialMonitor sequential;
  private final ReleaseListener listener;
  private final Clock clock;

  public ReleaseReconciler(KubernetesClient client, TrafficRouter router, Analysis analysis, ReleaseListener listener,
      Clock clock) {
    this.client = client;
    this.router = router;
    this.analysis = analysis;
    this.sequential = new SequentialMonitor(analysis);
    this.listener = listener;
    this.clock = clock;
  }

  /**
   * What a tick concluded: the status it wrote (or kept), the line for the status endpoint and the routing API
   * in use (null when the router does not say).
   *
   * @param renderChanged the written status makes render emit other objects (a promotion, a rollback, a new
   *     candidate): the policy's source should sync now rather than at its next poll
   * @param failure why the tick could not finish, e.g. its status was not written; the next tick decides
   *     again from what the cluster holds
   */
  public record Tick(PolicyKey policy, ReleasePolicyStatus status, String message, RouterKind router,
      boolean renderChanged, Optional<String> failure) {}

  /**
   * @param release what render emitted for the governed Deployment (null when Git no longer declares it)
   * @param revision the Git revision render worked on
   */
  public Optional<Tick> reconcile(PolicyKey key, ReleaseAwareRender.Release release, String revision) {
    return Optional.ofNullable(policies().inNamespace(key.namespace()).withName(key.name()).get())
        .filter(policy -> policy.getSpec() != null)
        .map(policy -> reconcile(key, policy, release, revision));
  }

  /**
   * A tick with no render of Git seen since start: Git is taken to declare what the policy's status records
   * ({@link ReleaseAwareRender#lastRendered}), which is what the cluster runs. Empty when nothing was
   * released yet.
   */
  public Optional<Tick> reconcile(PolicyKey key) {
    return Optional.ofNullable(policies().inNamespace(key.namespace()).withName(key.name()).get())
        .filter(policy -> policy.getSpec() != null)
        .flatMap(policy -> ReleaseAwareRender.lastRendered(key, policy.getSpec().getTargetRef().name(),
            policy.getStatus()).map(release -> reconcile(key, policy, release, revision(policy.getStatus()))));
  }

  private Tick reconcile(PolicyKey key, ReleasePolicy policy, ReleaseAwareRender.Release release, String revision) {
    ReleasePolicySpec spec = policy.getSpec();
    ReleasePolicyStatus status = policy.getStatus() == null ? new ReleasePolicyStatus() : policy.getStatus();
    Instant now = clock.instant();
    String target = spec.getTargetRef().name();
    Deployment stable = deployment(key.namespace(), target);
    Deployment canary = deployment(key.namespace(), target + ReleaseAwareRender.CANARY_SUFFIX);
    PolicyRef ref = PolicyRef.of(policy);

    // The canary counts as ready only once it runs this release's candidate: after a supersede it still runs
    // the previous one until the next sync, and testing that would mix two candidates in one window.
    Observation observation = new Observation(release, revision,
        runsCandidate(canary, ReleaseAwareRender.CANDIDATE_HASH_ANNOTATION, status),
        DeploymentReadiness.ready(stable), runsCandidate(stable, ReleaseAwareRender.TEMPLATE_HASH_ANNOTATION, status),
        router.current(ref).orElse(null),
        measurements(spec, status, key, target, now), ActionRequests.of(policy),
        sequential(spec, status, key, target, now));
    Decision decision = ReleaseStrategy.decide(spec, status, observation, now);

    // Routes before status: a status saying Succeeded lets render remove the canary.
    router.reconcile(ref, spec.getTestRoute() != null ? decision.routes()
        : new Routes(decision.routes().canaryWeight(), false));
    ReleasePolicyStatus next = WritableStatus.of(decision.status());
    if (!Objects.equals(next, status)) {
      policy.setStatus(next);
      try {
        policies().inNamespace(key.namespace()).resource(policy).updateStatus();
      } catch (KubernetesClientException e) {
        // Nothing decided is lost: the next tick decides again from what the cluster holds.
        return new Tick(key, status, decision.message(), router.kind(ref).orElse(null), false, Optional.of(WritableStatus.text(
            "status not written (HTTP " + e.getCode() + "): " + Optional.ofNullable(e.getStatus())
                .map(Status::getMessage).orElse(e.getMessage()))));
      }
    }
    decision.event().ifPresent(event -> listener.changed(policy, event));
    return new Tick(key, next, decision.message(), router.kind(ref).orElse(null), !ReleaseAwareRender.rendersAlike(status, next), Optional.empty());
  }

  /** The revision that declared the release the status records. */
  private static String revision(ReleasePolicyStatus status) {
    var release = status.getCandidate() != null ? status.getCandidate() : status.getStable();
    return release == null ? null : release.revision();
  }

  private List<CheckResult> measurements(ReleasePolicySpec spec, ReleasePolicyStatus status, PolicyKey key,
      String target, Instant now) {
    Optional<AnalysisRequest> request = ReleaseStrategy.analysis(spec, status);
    if (request.isEmpty() || !request.get().dueBy(now)) {
      return List.of();
    }
    List<Check> checks = spec.getChecks() == null ? List.of() : spec.getChecks().stream()
        .filter(check -> request.get().checks().contains(check.name())).toList();
    CheckContext window = CheckContext.forDeployment(key.namespace(), target, request.get().windowStart(), now);
    List<Measurement> measured = new ArrayList<>(analysis.run(checks, window));
    if (request.get().checks().contains(ReleaseStrategy.WEBHOOK_CHECK)) {
      TestRouteWebhook webhook = new TestRouteWebhook(spec.getTestRoute().webhook(), key.namespace(), key.name(),
          String.valueOf(status.getPhase()), status.getCandidate(), spec.getService(), spec.getTestRoute());
      measured.add(analysis.gate(webhook, ReleaseStrategy.WEBHOOK_CHECK, request.get().windowStart(), now));
    }
    return measured.stream().map(ReleaseReconciler::result).toList();
  }

  /** Where the current step's sequential tests stand after the looks due by {@code now}; empty without any. */
  private List<SequentialEvidence> sequential(ReleasePolicySpec spec, ReleasePolicyStatus status, PolicyKey key,
      String target, Instant now) {
    if (spec.getSequential() == null) {
      return List.of();
    }
    return ReleaseStrategy.analysis(spec, status).map(request -> sequential.look(new SequentialMonitor.Subject(
        key.namespace() + "/" + key.name(), status.getCandidate() + " step " + request.step() + " from "
        + request.windowStart(), request.step(), key.namespace(), target, request.windowStart()),
        spec.getSequential(), now)).orElse(List.of());
  }

  private static CheckResult result(Measurement measurement) {
    return new CheckResult(measurement.check(), measurement.verdict(), measurement.query(), measurement.value(),
        measurement.samples(), measurement.message());
  }

  /**
   * The Deployment runs the candidate once render marked it with the candidate's hash (under
   * {@code annotation}) and it rolled out. The live template, with the API server's defaults, does not hash
   * like Git's, hence the mark.
   */
  private static boolean runsCandidate(Deployment deployment, String annotation, ReleasePolicyStatus status) {
    if (deployment == null || status.getCandidate() == null || deployment.getMetadata().getAnnotations() == null) {
      return false;
    }
    return Objects.equals(deployment.getMetadata().getAnnotations().get(annotation),
        status.getCandidate().templateHash()) && DeploymentReadiness.ready(deployment);
  }

  private Deployment deployment(String namespace, String name) {
    return client.apps().deployments().inNamespace(namespace).withName(name).get();
  }

  private MixedOperation<ReleasePolicy, io.fabric8.kubernetes.api.model.KubernetesResourceList<ReleasePolicy>,
      Resource<ReleasePolicy>> policies() {
    return client.resources(ReleasePolicy.class);
  }
}
