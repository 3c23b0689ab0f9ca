package io.keelson.release.strategy;

import io.keelson.release.traffic.Routes;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.keelson.release.api.Check;
import io.keelson.release.api.MatchType;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicySpec;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.ServiceSpec;
import io.keelson.release.api.Steps;
import io.keelson.release.api.TargetRef;
import io.keelson.release.api.TestRoute;
import io.keelson.release.api.Verdict;
import io.keelson.release.deploy.ObjectId;
import io.keelson.release.deploy.PolicyKey;
import io.keelson.release.deploy.ReleaseAwareRender.Release;
import io.keelson.release.deploy.ReleaseAwareRender.ReleaseState;
import io.keelson.release.model.TemplateHash;
import java.time.Instant;
import java.util.List;

/** A policy, templates and verdicts shared by the strategy tests. */
final class StrategyFixtures {

  static final Instant T0 = Instant.parse("2026-11-22T03:00:00Z");
  static final PolicyKey POLICY = new PolicyKey("shop", "checkout");
  static final ObjectId DEPLOYMENT = new ObjectId("apps/v1", "Deployment", "shop", "checkout");
  static final PodTemplateSpec V1 = template("checkout:1");
  static final PodTemplateSpec V2 = template("checkout:2");
  static final PodTemplateSpec V3 = template("checkout:3");
  static final String H1 = TemplateHash.of(V1);
  static final String H2 = TemplateHash.of(V2);
  static final String H3 = TemplateHash.of(V3);

  private StrategyFixtures() {}

  /** Test route for 1m on checks errors and latency; weights 10, 50; interval 1m. */
  static ReleasePolicySpec spec() {
    ReleasePolicySpec spec = new ReleasePolicySpec();
    spec.setTargetRef(new TargetRef("checkout"));
    spec.setService(new ServiceSpec("checkout", null, 8080, null, null, null, null));
    spec.setTestRoute(new TestRoute("x-canary", new TestRoute.HeaderMatch(MatchType.EXACT, "1"), "1m", null, null));
    spec.setSteps(new Steps(List.of(10, 50), null, null, "1m"));
    spec.setChecks(List.of(
        new Check("errors", 20L, new Check.ErrorRate(0.05), null, null, null),
        new Check("latency", 20L, null, new Check.Latency(0.99, 500.0), null, null)));
    return spec;
  }

  static PodTemplateSpec template(String image) {
    return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "checkout").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec().build();
  }

  static Release release(ReleaseState state, PodTemplateSpec git, String stableHash) {
    return new Release(POLICY, DEPLOYMENT, state, TemplateHash.of(git), stableHash, git);
  }

  static List<CheckResult> all(Verdict verdict, String message) {
    return List.of(new CheckResult("errors", verdict, message), new CheckResult("latency", verdict, message));
  }

  static List<CheckResult> passing() {
    return List.of(new CheckResult("errors", Verdict.PASS, "sum(rate(istio_requests_total[1m]))", 0.01, 400L,
        "error rate 0.01 <= 0.05"), new CheckResult("latency", Verdict.PASS, "p99 120ms <= 500ms"));
  }

  static Observation observe(Release release, Routes routes, List<CheckResult> measurements) {
    return new Observation(release, "rev2", true, true, false, routes, measurements, java.util.Optional.empty());
  }

  /** A status in {@code phase} releasing V2 over stable V1. */
  static ReleasePolicyStatus releasing(ReleasePhase phase, Integer step, int weight, Instant stepStartedAt) {
    ReleasePolicyStatus status = new ReleasePolicyStatus();
    status.setPhase(phase);
    status.setStable(new io.keelson.release.api.ReleaseIdentity(H1, "rev1", 1));
    status.setStableTemplate(V1);
    status.setCandidate(new io.keelson.release.api.ReleaseIdentity(H2, "rev2", 1));
    status.setStep(step);
    status.setCanaryWeight(weight);
    status.setStepStartedAt(stepStartedAt == null ? null : stepStartedAt.toString());
    status.setReleaseStartedAt(T0.toString());
    status.setFailures(0);
    return status;
  }
}
