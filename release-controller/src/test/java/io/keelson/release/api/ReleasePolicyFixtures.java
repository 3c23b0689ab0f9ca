package io.keelson.release.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;

/** A complete, valid policy that tests break one field at a time. */
final class ReleasePolicyFixtures {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private ReleasePolicyFixtures() {}

  static ReleasePolicySpec spec() {
    ReleasePolicySpec spec = new ReleasePolicySpec();
    spec.setTargetRef(new TargetRef("checkout"));
    spec.setService(new ServiceSpec("checkout", null, 8080, List.of("mesh"), List.of("checkout.example.com"),
        new ServiceSpec.Retries(2, "2s", "5xx,reset"), "10s"));
    spec.setTestRoute(new TestRoute("x-canary", new TestRoute.HeaderMatch(MatchType.REGEX, "^(yes|true)$"),
        "2m", List.of("errors"), "https://gate.example.com/approve"));
    spec.setSteps(new Steps(List.of(5, 25, 50), null, null, "30s"));
    spec.setChecks(List.of(
        new Check("errors", 50L, new Check.ErrorRate(0.05), null, null, null),
        new Check("p99", 50L, null, new Check.Latency(0.99, 300.0), null, null),
        new Check("versus-stable", 50L, null, null,
            new Check.Comparison(Check.ComparisonMetric.LATENCY, 0.95, 0.2), null),
        new Check("saturation", 0L, null, null, null, new Check.Custom(
            "max(container_memory_working_set_bytes{namespace=\"{{namespace}}\",pod=~\"{{canary}}-.*\"})",
            null, 5.0e8))));
    spec.setSequential(new Sequential(0.01, "15s", 500.0));
    spec.setFailureThreshold(2);
    spec.setFailureCounting(FailureCounting.CONSECUTIVE);
    spec.setInconclusiveBudget("5m");
    spec.setErrorBudget("2m");
    spec.setProgressDeadline("1h");
    spec.setOnNewCandidate(OnNewCandidate.SUPERSEDE);
    spec.setNotifications(new Notifications(List.of("https://hooks.example.com/releases")));
    spec.setManualGate(true);
    spec.setCanaryReplicas(1);
    return spec;
  }

  static ReleasePolicy policy(String namespace, String name) {
    ReleasePolicy policy = new ReleasePolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    policy.setSpec(spec());
    return policy;
  }
}
