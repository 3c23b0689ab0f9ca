package io.keelson.release.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.keelson.release.model.TemplateHash;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.TestNamespace;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The API server enforces the ReleasePolicy schema, and the Java types round-trip through it. */
@ControlPlaneTest(crds = "crds/releasepolicies.keelson.io.yaml")
class ReleasePolicyCrdIT {

  private static final ResourceDefinitionContext POLICIES = new ResourceDefinitionContext.Builder()
      .withGroup(ReleasePolicy.GROUP).withVersion(ReleasePolicy.VERSION).withKind(ReleasePolicy.KIND)
      .withPlural(ReleasePolicy.PLURAL).withNamespaced(true).build();
  private static final PatchContext STATUS_APPLY = new PatchContext.Builder()
      .withPatchType(PatchType.SERVER_SIDE_APPLY).withFieldManager("keelson-release").withForce(true).build();

  @Test
  void aValidPolicyIsAppliedAndReadBackTyped(KubernetesClient client, TestNamespace ns) {
    ReleasePolicy policy = ReleasePolicyFixtures.policy(ns.name(), "checkout");

    client.resource(policy).fieldManager("keelson").forceConflicts().serverSideApply();

    ReleasePolicy live = client.resources(ReleasePolicy.class).inNamespace(ns.name()).withName("checkout").get();
    assertThat(live.getSpec()).isEqualTo(policy.getSpec());
    assertThat(live.getSpec().getTestRoute().match().type()).isEqualTo(MatchType.REGEX);
    assertThat(live.getSpec().getChecks()).extracting(Check::name)
        .containsExactly("errors", "p99", "versus-stable", "saturation");
    assertThat(live.getStatus()).isNull();
  }

  @Test
  void theExamplePoliciesAreAcceptedByTheApiServer(KubernetesClient client, TestNamespace ns) throws Exception {
    java.nio.file.Path policies = io.keelson.testkit.ProjectTools.projectRoot().resolve("policies");
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(policies)) {
      for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        ReleasePolicy policy = new com.fasterxml.jackson.databind.ObjectMapper(
            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readValue(file.toFile(), ReleasePolicy.class);
        policy.getMetadata().setNamespace(ns.name());

        ReleasePolicy applied = client.resource(policy).fieldManager("keelson").forceConflicts().serverSideApply();

        assertThat(applied.getSpec()).as(file.getFileName().toString()).isEqualTo(policy.getSpec());
      }
    }
  }

  @Test
  void aLinearProgressionIsAccepted(KubernetesClient client, TestNamespace ns) {
    GenericKubernetesResource linear = generic(ns, spec -> spec.put("steps",
        Map.of("stepWeight", 10, "maxWeight", 50, "interval", "1m")));

    GenericKubernetesResource applied = apply(client, ns, linear);

    assertThat(applied.<Integer>get("spec", "steps", "stepWeight")).isEqualTo(10);
  }

  @Test
  void theApiServerRejectsInvalidPolicies(KubernetesClient client, TestNamespace ns) {
    Map<String, Consumer<Map<String, Object>>> invalid = new LinkedHashMap<>();
    invalid.put("spec.targetRef", spec -> spec.remove("targetRef"));
    invalid.put("spec.steps.weights[1]", spec -> spec.put("steps", Map.of("weights", List.of(10, 150))));
    invalid.put("spec.steps", spec -> spec.put("steps", Map.of("weights", List.of(10), "stepWeight", 5)));
    invalid.put("spec.steps.weights", spec -> spec.put("steps", Map.of("weights", List.of(10, 30, 30))));
    invalid.put("spec.testRoute.match.type", spec -> spec.put("testRoute",
        Map.of("header", "x-canary", "match", Map.of("type", "glob", "value", "yes"))));
    invalid.put("spec.checks[0].errorRate.max", spec -> spec.put("checks",
        List.of(Map.of("name", "errors", "errorRate", Map.of("max", 2.0)))));
    invalid.put("spec.steps.stepWeight", spec -> spec.put("steps", Map.of("stepWeight", 0)));
    invalid.put("spec.steps.maxWeight", spec -> spec.put("steps", Map.of("stepWeight", 10, "maxWeight", 101)));
    invalid.put("spec.steps.interval", spec -> spec.put("steps", Map.of("weights", List.of(10), "interval", "soon")));
    invalid.put("spec.checks[0].latency.quantile", spec -> spec.put("checks",
        List.of(Map.of("name", "p99", "latency", Map.of("quantile", 1.5, "maxMs", 300)))));
    invalid.put("spec.checks[0].minRequests", spec -> spec.put("checks",
        List.of(Map.of("name", "errors", "minRequests", -1, "errorRate", Map.of("max", 0.1)))));
    invalid.put("spec.failureCounting", spec -> spec.put("failureCounting", "sometimes"));
    invalid.put("spec.sequential.alpha", spec -> spec.put("sequential", Map.of("alpha", 1)));
    invalid.put("spec.sequential.latencyMs", spec -> spec.put("sequential", Map.of("latencyMs", 300)));
    invalid.put("spec.sequential.lookInterval", spec -> spec.put("sequential", Map.of("lookInterval", "often")));
    invalid.put("spec.onNewCandidate", spec -> spec.put("onNewCandidate", "ignore"));
    invalid.put("spec.service.port", spec -> spec.put("service", Map.of("name", "checkout")));
    invalid.put("spec.checks[0]", spec -> spec.put("checks", List.of(Map.of("name", "two",
        "errorRate", Map.of("max", 0.1), "latency", Map.of("quantile", 0.9, "maxMs", 100)))));
    invalid.put("spec.testRoute.checks", spec -> spec.put("testRoute", Map.of("header", "x-canary",
        "match", Map.of("type", "exact", "value", "yes"), "checks", List.of("missing"))));

    invalid.forEach((field, breakIt) -> assertThatThrownBy(() -> apply(client, ns, generic(ns, breakIt)))
        .as(field)
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(field));
    assertThat(client.genericKubernetesResources(POLICIES).inNamespace(ns.name()).list().getItems()).isEmpty();
  }

  @Test
  void aPolicyThatCouldNeverPassIsRefusedByBothValidatorsNamingTheField(KubernetesClient client,
      TestNamespace ns) {
    Map<String, Consumer<Map<String, Object>>> gateless = new LinkedHashMap<>();
    gateless.put("no checks", spec -> {
      spec.remove("testRoute");
      spec.remove("checks");
    });
    gateless.put("an empty check list", spec -> {
      spec.remove("testRoute");
      spec.put("checks", List.of());
    });
    gateless.put("a test route with no check and no webhook", spec -> spec.put("testRoute",
        Map.of("header", "x-canary", "match", Map.of("type", "exact", "value", "yes"), "checks", List.of())));

    gateless.forEach((what, breakIt) -> {
      GenericKubernetesResource policy = generic(ns, breakIt);
      ReleasePolicyValidator.Violation offline = new ReleasePolicyValidator().validate(
          ReleasePolicyFixtures.MAPPER.convertValue(policy.getAdditionalProperties().get("spec"),
              ReleasePolicySpec.class)).get(0);
      assertThatThrownBy(() -> apply(client, ns, policy)).as(what)
          .isInstanceOf(KubernetesClientException.class)
          .hasMessageContaining(offline.field())
          .hasMessageContaining(offline.message());
    });
    assertThat(client.genericKubernetesResources(POLICIES).inNamespace(ns.name()).list().getItems()).isEmpty();
  }

  @Test
  void whatAnHttpRouteCannotCarryIsRejectedForRouterGatewayApiOnlyByBothValidators(KubernetesClient client,
      TestNamespace ns) {
    Map<String, Consumer<Map<String, Object>>> invalid = new LinkedHashMap<>();
    invalid.put("spec.service.retries", spec -> spec.put("service", service(Map.of("attempts", 3))));
    invalid.put("spec.service.timeout", spec -> spec.put("service", Map.of("name", "checkout", "port", 8080,
        "timeout", "123456s")));
    invalid.put("spec.service.retries.perTryTimeout", spec -> spec.put("service",
        service(Map.of("perTryTimeout", "20s"))));
    invalid.put("spec.service.gateways", spec -> spec.put("service", Map.of("name", "checkout", "port", 8080,
        "gateways", List.of("mesh", "Edge_Gateway"))));
    invalid.put("spec.service.hosts", spec -> spec.put("service", Map.of("name", "checkout", "port", 8080,
        "hosts", List.of("checkout.example.com:8443"))));

    invalid.forEach((field, breakIt) -> {
      Consumer<Map<String, Object>> asGatewayApi = spec -> {
        breakIt.accept(spec);
        spec.put("router", "gateway-api");
      };
      assertThatThrownBy(() -> apply(client, ns, generic(ns, asGatewayApi))).as(field)
          .isInstanceOf(KubernetesClientException.class).hasMessageContaining(field);
      ReleasePolicySpec typed = ReleasePolicyFixtures.MAPPER.convertValue(
          generic(ns, asGatewayApi).getAdditionalProperties().get("spec"), ReleasePolicySpec.class);
      assertThat(new ReleasePolicyValidator().validate(typed)).as("offline %s", field)
          .anySatisfy(violation -> assertThat(violation.field()).startsWith(field));
      // The same policy routed by Istio is valid: the rule is the router's, not the policy's.
      assertThat(apply(client, ns, generic(ns, spec -> {
        breakIt.accept(spec);
        spec.put("router", "istio");
      })).<String>get("spec", "router")).as("%s under istio", field).isEqualTo("istio");
    });
    assertThatThrownBy(() -> apply(client, ns, generic(ns, spec -> spec.put("router", "linkerd"))))
        .hasMessageContaining("spec.router");
  }

  @Test
  void aGatewayApiPolicyWithWhatMapsIsAccepted(KubernetesClient client, TestNamespace ns) {
    GenericKubernetesResource policy = generic(ns, spec -> {
      spec.put("router", "gateway-api");
      spec.put("service", Map.of("name", "checkout", "port", 8080, "gateways", List.of("mesh", "edge/public"),
          "hosts", List.of("checkout.example.com", "*.checkout.example.org"), "timeout", "10s",
          "retries", Map.of("perTryTimeout", "2s")));
    });

    assertThat(apply(client, ns, policy).<String>get("spec", "router")).isEqualTo("gateway-api");
  }

  @Test
  void aMirrorIsAcceptedAndWhatCouldNeverRunRefusedByBothValidators(KubernetesClient client, TestNamespace ns) {
    List<Map.Entry<String, Consumer<Map<String, Object>>>> invalid = List.of(
        Map.entry("spec.mirror.percentage", spec -> spec.put("mirror", Map.of("percentage", 0))),
        Map.entry("spec.mirror.duration", spec -> spec.put("mirror", Map.of("percentage", 50, "duration", "soon"))),
        Map.entry("spec.mirror.checks", spec -> spec.put("mirror", Map.of("percentage", 50, "checks",
            List.of("missing")))),
        Map.entry("spec.mirror.checks", spec -> spec.put("mirror", Map.of("percentage", 50, "checks", List.of()))));
    invalid.forEach(entry -> {
      String field = entry.getKey();
      assertThatThrownBy(() -> apply(client, ns, generic(ns, entry.getValue()))).as(field)
          .isInstanceOf(KubernetesClientException.class).hasMessageContaining(field);
      ReleasePolicySpec typed = ReleasePolicyFixtures.MAPPER.convertValue(
          generic(ns, entry.getValue()).getAdditionalProperties().get("spec"), ReleasePolicySpec.class);
      assertThat(new ReleasePolicyValidator().validate(typed)).as("offline %s", field)
          .anySatisfy(violation -> assertThat(violation.field()).startsWith(field));
    });

    GenericKubernetesResource mirrored = apply(client, ns, generic(ns, spec -> spec.put("mirror",
        Map.of("percentage", 25, "duration", "2m"))));
    assertThat(mirrored.<Integer>get("spec", "mirror", "percentage")).isEqualTo(25);
    ReleasePolicy typed = client.resources(ReleasePolicy.class).inNamespace(ns.name())
        .withName(mirrored.getMetadata().getName()).get();
    assertThat(typed.getSpec().getMirror()).isEqualTo(new Mirror(25, "2m", null));
  }

  private static Map<String, Object> service(Map<String, Object> retries) {
    return Map.of("name", "checkout", "port", 8080, "timeout", "10s", "retries", retries);
  }

  @Test
  void theOfflineValidatorAgreesWithTheApiServerOnTheFieldsAtFault() {
    Stream.of(
            Map.entry("spec.targetRef", (Consumer<ReleasePolicySpec>) spec -> spec.setTargetRef(null)),
            Map.entry("spec.steps.weights[1]", (Consumer<ReleasePolicySpec>) spec ->
                spec.setSteps(new Steps(List.of(10, 150), null, null, null))),
            Map.entry("spec.steps", (Consumer<ReleasePolicySpec>) spec ->
                spec.setSteps(new Steps(List.of(10), 5, null, null))),
            Map.entry("spec.sequential.latencyMs", (Consumer<ReleasePolicySpec>) spec ->
                spec.setSequential(new Sequential(null, null, 300.0))),
            Map.entry("spec.checks[0].errorRate.max", (Consumer<ReleasePolicySpec>) spec ->
                spec.setChecks(List.of(new Check("errors", null, new Check.ErrorRate(2.0), null, null, null)))))
        .forEach(entry -> {
          ReleasePolicySpec spec = ReleasePolicyFixtures.spec();
          entry.getValue().accept(spec);
          assertThat(new ReleasePolicyValidator().validate(spec)).as(entry.getKey())
              .extracting(ReleasePolicyValidator.Violation::field).contains(entry.getKey());
        });
  }

  @Test
  void theStatusSubresourceIsPatchedAndReadBack(KubernetesClient client, TestNamespace ns) {
    client.resource(ReleasePolicyFixtures.policy(ns.name(), "checkout"))
        .fieldManager("keelson").forceConflicts().serverSideApply();
    PodTemplateSpec template = new PodTemplateSpecBuilder()
        .withNewMetadata().withLabels(Map.of("app", "checkout")).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("checkout:1.0").endContainer().endSpec()
        .build();
    ReleasePolicyStatus status = new ReleasePolicyStatus();
    status.setPhase(ReleasePhase.Progressing);
    status.setStable(new ReleaseIdentity(TemplateHash.of(template), "abc123", 1));
    status.setCandidate(new ReleaseIdentity("0123456789", "def456", 2));
    status.setStableTemplate(template);
    status.setCanaryWeight(25);
    status.setStep(2);
    status.setStepStartedAt("2026-11-22T03:00:00Z");
    status.setFailures(0);
    status.setEvidence(List.of(new Evidence(2, "errors", "sum(rate(istio_requests_total[1m]))",
        "2026-11-22T03:00:00Z", "2026-11-22T03:01:00Z", 0.01, 420L, Verdict.PASS, "0.01 <= 0.05")));
    status.setSequential(List.of(new SequentialEvidence(2, "errors", "2026-11-22T03:00:00Z", "2026-11-22T03:00:20Z",
        3.25, 100.0, false, "e-value 3.25 is below 1/α = 100")));
    status.setConditions(List.of(new ConditionBuilder().withType("Progressing").withStatus("True")
        .withReason("StepPassed").withMessage("step 2 passed").withLastTransitionTime("2026-11-22T03:01:00Z")
        .build()));
    status.recordHistory(new HistoryEntry(new ReleaseIdentity("aaaaaaaaaa", "r0", 1), ReleasePhase.Succeeded,
        "2026-11-21T10:00:00Z", "all checks passed"));
    status.setObservedGeneration(1L);

    ReleasePolicy patch = new ReleasePolicy();
    patch.setMetadata(new ObjectMetaBuilder().withName("checkout").withNamespace(ns.name()).build());
    patch.setStatus(status);
    client.resource(patch).subresource("status").patch(STATUS_APPLY);

    ReleasePolicy live = client.resources(ReleasePolicy.class).inNamespace(ns.name()).withName("checkout").get();
    assertThat(live.getStatus()).isEqualTo(status);
    assertThat(TemplateHash.of(live.getStatus().getStableTemplate())).isEqualTo(TemplateHash.of(template));
    assertThat(live.getSpec()).isEqualTo(ReleasePolicyFixtures.spec());
  }

  @Test
  void theStatusSchemaRejectsAnUnknownPhase(KubernetesClient client, TestNamespace ns) {
    client.resource(ReleasePolicyFixtures.policy(ns.name(), "checkout"))
        .fieldManager("keelson").forceConflicts().serverSideApply();
    GenericKubernetesResource patch = new GenericKubernetesResourceBuilder()
        .withApiVersion(ReleasePolicy.API_VERSION).withKind(ReleasePolicy.KIND)
        .withNewMetadata().withName("checkout").withNamespace(ns.name()).endMetadata()
        .withAdditionalProperties(Map.of("status", Map.of("phase", "Paused", "canaryWeight", 20)))
        .build();

    assertThatThrownBy(() -> client.genericKubernetesResources(POLICIES).inNamespace(ns.name()).resource(patch)
            .subresource("status").patch(STATUS_APPLY))
        .hasMessageContaining("status.phase");
  }

  private static GenericKubernetesResource apply(KubernetesClient client, TestNamespace ns,
      GenericKubernetesResource policy) {
    return client.genericKubernetesResources(POLICIES).inNamespace(ns.name()).resource(policy)
        .fieldManager("keelson").forceConflicts().serverSideApply();
  }

  @SuppressWarnings("unchecked")
  private static GenericKubernetesResource generic(TestNamespace ns, Consumer<Map<String, Object>> edit) {
    Map<String, Object> spec = new HashMap<>(ReleasePolicyFixtures.MAPPER.convertValue(
        ReleasePolicyFixtures.spec(), Map.class));
    edit.accept(spec);
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(ReleasePolicy.API_VERSION).withKind(ReleasePolicy.KIND)
        .withNewMetadata().withName("p").withNamespace(ns.name()).endMetadata()
        .withAdditionalProperties(Map.of("spec", spec))
        .build();
  }
}
