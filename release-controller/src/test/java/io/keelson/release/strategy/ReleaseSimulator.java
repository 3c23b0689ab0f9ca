package io.keelson.release.strategy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicySpec;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.deploy.ReleaseAwareRender;
import io.keelson.release.deploy.ReleaseAwareRender.Release;
import io.keelson.release.traffic.Routes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A release's world for scenario tests, one tick at a time. Each tick first syncs Git through the real
 * {@link ReleaseAwareRender} against the current status (the agent syncing as eagerly as it can), then
 * decides; the routes the decision asks for become live. A Deployment becomes ready one tick after its
 * template last changed; the canary counts as ready only while it runs the status' candidate (as the
 * reconciler observes it). Analyses run when due with the verdicts {@link #verdicts} gives. Every state the
 * world passes through (after the sync, after the decision) is kept in {@link #samples}.
 */
final class ReleaseSimulator {

  static final Duration TICK = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One state of the world.
   *
   * @param at the tick's time
   * @param canaryHash the template hash the canary Deployment runs; null when there is none
   * @param routes the live routes
   * @param status the policy status at that moment
   */
  record Sample(Instant at, String canaryHash, Routes routes, ReleasePolicyStatus status) {

    /** The template hash of the release under way, if any. */
    String candidateHash() {
      return status == null || status.getCandidate() == null ? null : status.getCandidate().templateHash();
    }
  }

  ReleasePolicySpec spec;
  ReleasePolicyStatus status;
  Routes liveRoutes;
  Instant now = StrategyFixtures.T0;
  PodTemplateSpec git = StrategyFixtures.V1;
  String revision = "rev1";
  Function<AnalysisRequest, List<CheckResult>> verdicts = request -> StrategyFixtures.passing();
  Optional<ManualAction> action = Optional.empty();
  final List<Decision> decisions = new ArrayList<>();
  final List<AnalysisRequest> analysesRun = new ArrayList<>();
  /** The candidate each analysis judged and when it ran, in the order of {@link #analysesRun}. */
  final List<Sample> analysedAt = new ArrayList<>();
  final List<Sample> samples = new ArrayList<>();
  Observation lastObservation;
  private final ReleaseAwareRender render = new ReleaseAwareRender();
  private final Workload canary = new Workload();
  private final Workload stable = new Workload();

  /** A Deployment as the simulator sees it: the template hash it runs and for how many ticks it has. */
  private static final class Workload {
    String hash;
    int age;

    void runs(String newHash) {
      age = newHash == null ? 0 : Objects.equals(hash, newHash) ? age + 1 : 1;
      hash = newHash;
    }

    boolean readyWith(String wanted) {
      return wanted != null && wanted.equals(hash) && age > 1;
    }
  }

  ReleaseSimulator(ReleasePolicySpec spec) {
    this.spec = spec;
  }

  void commit(PodTemplateSpec template, String newRevision) {
    git = template;
    revision = newRevision;
  }

  Decision tick() {
    Release release = sync();
    samples.add(new Sample(now, canary.hash, liveRoutes, status));
    String candidate = status == null || status.getCandidate() == null ? null : status.getCandidate().templateHash();
    List<CheckResult> measurements = ReleaseStrategy.analysis(spec, status).filter(request -> request.dueBy(now))
        .map(request -> {
          analysesRun.add(request);
          analysedAt.add(new Sample(now, canary.hash, liveRoutes, status));
          return verdicts.apply(request);
        }).orElse(List.of());
    Observation observation = new Observation(release, revision, canary.readyWith(candidate), true,
        stable.readyWith(candidate), liveRoutes, measurements, action);
    lastObservation = observation;
    Decision decision = ReleaseStrategy.decide(spec, status, observation, now);
    decisions.add(decision);
    liveRoutes = decision.routes();
    status = decision.status();
    samples.add(new Sample(now, canary.hash, liveRoutes, status));
    now = now.plus(TICK);
    return decision;
  }

  /** Ticks until {@code phase} or {@code limit} ticks; returns the last decision. */
  Decision runUntil(io.keelson.release.api.ReleasePhase phase, int limit) {
    Decision last = tick();
    for (int i = 1; i < limit && last.status().getPhase() != phase; i++) {
      last = tick();
    }
    return last;
  }

  /** The Deployments of {@code other}, as they run now: a twin built from a saved status. */
  void sameWorkloadsAs(ReleaseSimulator other) {
    canary.hash = other.canary.hash;
    canary.age = other.canary.age;
    stable.hash = other.stable.hash;
    stable.age = other.stable.age;
  }

  io.keelson.release.api.ReleasePhase phase() {
    return status.getPhase();
  }

  /** Renders Git against the status and "applies" it: the Deployments take the rendered templates. */
  private Release sync() {
    ReleaseAwareRender.Result result = render.apply(gitObjects(),
        status == null ? Map.of() : Map.of(StrategyFixtures.POLICY, status));
    if (!result.problems().isEmpty()) {
      throw new AssertionError("render refused the simulated revision: " + result.problems());
    }
    canary.runs(annotation(result, "checkout-canary", ReleaseAwareRender.CANDIDATE_HASH_ANNOTATION));
    stable.runs(annotation(result, "checkout", ReleaseAwareRender.TEMPLATE_HASH_ANNOTATION));
    return result.releases().get(0);
  }

  private static String annotation(ReleaseAwareRender.Result result, String deployment, String key) {
    return result.objects().stream()
        .filter(o -> "Deployment".equals(o.getKind()) && deployment.equals(o.getMetadata().getName()))
        .map(o -> o.getMetadata().getAnnotations() == null ? null : o.getMetadata().getAnnotations().get(key))
        .filter(Objects::nonNull).findFirst().orElse(null);
  }

  /** The revision Git declares: the policy, its Service and the Deployment with {@link #git} as template. */
  private List<GenericKubernetesResource> gitObjects() {
    GenericKubernetesResource policy = object(ReleasePolicy.GROUP + "/v1alpha1", ReleasePolicy.KIND,
        StrategyFixtures.POLICY.name(), Map.of("spec", JSON.convertValue(spec, new TypeReference<Map<String, Object>>() {})));
    GenericKubernetesResource service = object("v1", "Service", "checkout", Map.of("spec", Map.of(
        "selector", Map.of("app", "checkout"), "ports", List.of(Map.of("name", "http", "port", 8080)))));
    GenericKubernetesResource deployment = object("apps/v1", "Deployment", "checkout", Map.of("spec", Map.of(
        "replicas", 2, "selector", Map.of("matchLabels", Map.of("app", "checkout")),
        "template", JSON.convertValue(git, new TypeReference<Map<String, Object>>() {}))));
    return List.of(policy, service, deployment);
  }

  private static GenericKubernetesResource object(String apiVersion, String kind, String name,
      Map<String, Object> body) {
    GenericKubernetesResource object = new GenericKubernetesResource();
    object.setApiVersion(apiVersion);
    object.setKind(kind);
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    meta.setNamespace(StrategyFixtures.POLICY.namespace());
    object.setMetadata(meta);
    object.setAdditionalProperties(new LinkedHashMap<>(body));
    return object;
  }
}
