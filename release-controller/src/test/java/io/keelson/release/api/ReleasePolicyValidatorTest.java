package io.keelson.release.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReleasePolicyValidatorTest {

  private final ReleasePolicyValidator validator = new ReleasePolicyValidator();

  @Test
  void aCompletePolicyIsValid() {
    assertThat(validator.validate(ReleasePolicyFixtures.spec())).isEmpty();
  }

  @Test
  void aMinimalPolicyIsValid() {
    ReleasePolicySpec spec = new ReleasePolicySpec();
    spec.setTargetRef(new TargetRef("checkout"));
    spec.setService(new ServiceSpec("checkout", null, 80, null, null, null, null));
    spec.setSteps(new Steps(null, 10, null, null));
    spec.setChecks(List.of(errorRate("errors", 0.02)));

    assertThat(validator.validate(spec)).isEmpty();
  }

  @Test
  void aPolicyWithoutChecksIsRefusedBecauseItCouldNeverPass() {
    for (List<Check> none : Arrays.asList(null, List.<Check>of())) {
      ReleasePolicySpec spec = ReleasePolicyFixtures.spec();
      spec.setTestRoute(null);
      spec.setChecks(none);

      assertThat(validator.validate(spec)).as("checks %s", none).containsExactly(new ReleasePolicyValidator.Violation(
          "spec.checks", "a release needs at least one check (built-in or custom); without one it could never pass"
              + " a step"));
    }
  }

  @Test
  void aTestRouteWithAnEmptyCheckListNeedsItsWebhook() {
    ReleasePolicySpec gateless = ReleasePolicyFixtures.spec();
    gateless.setTestRoute(new TestRoute("x-canary", new TestRoute.HeaderMatch(MatchType.EXACT, "yes"), null,
        List.of(), null));
    ReleasePolicySpec webhookOnly = ReleasePolicyFixtures.spec();
    webhookOnly.setTestRoute(new TestRoute("x-canary", new TestRoute.HeaderMatch(MatchType.EXACT, "yes"), null,
        List.of(), "https://gate.example/test"));

    assertThat(validator.validate(gateless)).extracting(ReleasePolicyValidator.Violation::toString)
        .containsExactly("spec.testRoute.checks: an empty list leaves the test route without a gate; name at least"
            + " one check, set testRoute.webhook, or leave checks out to run them all");
    assertThat(validator.validate(webhookOnly)).isEmpty();
  }

  @Test
  void aMirrorNeedsAShareOfProductionAndChecksItCanRun() {
    ReleasePolicySpec spec = ReleasePolicyFixtures.spec();
    spec.setMirror(new Mirror(101, "2m", List.of("nope")));

    assertThat(validator.validate(spec)).extracting(ReleasePolicyValidator.Violation::toString).containsExactly(
        "spec.mirror.percentage: must be between 1 and 100, not 101",
        "spec.mirror.checks[0]: names no check declared in spec.checks: nope");
    spec.setMirror(new Mirror(25, "2m", null));
    assertThat(validator.validate(spec)).isEmpty();
  }

  @Test
  void anAbsentSpecIsReported() {
    assertThat(validator.validate(null)).extracting(ReleasePolicyValidator.Violation::field).containsExactly("spec");
  }

  private static Arguments broken(String field, Consumer<ReleasePolicySpec> edit) {
    return Arguments.of(field, edit);
  }

  private static Check errorRate(String name, double max) {
    return new Check(name, null, new Check.ErrorRate(max), null, null, null);
  }

  static Stream<Arguments> violations() {
    return Stream.of(
        broken("spec.targetRef", spec -> spec.setTargetRef(null)),
        broken("spec.targetRef.name", spec -> spec.setTargetRef(new TargetRef(" "))),
        broken("spec.service", spec -> spec.setService(null)),
        broken("spec.service.name", spec -> spec.setService(new ServiceSpec(null, null, 80, null, null, null, null))),
        broken("spec.service.port", spec -> spec.setService(new ServiceSpec("c", null, null, null, null, null, null))),
        broken("spec.service.port", spec -> spec.setService(new ServiceSpec("c", null, 70000, null, null, null, null))),
        broken("spec.service.timeout", spec -> spec.setService(new ServiceSpec("c", null, 80, null, null, null, "10"))),
        broken("spec.service.retries.attempts", spec -> spec.setService(new ServiceSpec("c", null, 80, null, null,
            new ServiceSpec.Retries(-1, null, null), null))),
        broken("spec.testRoute.header", spec -> spec.setTestRoute(new TestRoute(null,
            new TestRoute.HeaderMatch(MatchType.EXACT, "yes"), null, null, null))),
        broken("spec.testRoute.match.type", spec -> spec.setTestRoute(new TestRoute("x-canary",
            new TestRoute.HeaderMatch(null, "yes"), null, null, null))),
        broken("spec.testRoute.checks[0]", spec -> spec.setTestRoute(new TestRoute("x-canary",
            new TestRoute.HeaderMatch(MatchType.EXACT, "yes"), null, List.of("missing"), null))),
        broken("spec.testRoute.webhook", spec -> spec.setTestRoute(new TestRoute("x-canary",
            new TestRoute.HeaderMatch(MatchType.EXACT, "yes"), null, null, "ftp://gate"))),
        broken("spec.mirror.percentage", spec -> spec.setMirror(new Mirror(null, "1m", null))),
        broken("spec.mirror.percentage", spec -> spec.setMirror(new Mirror(0, null, null))),
        broken("spec.mirror.percentage", spec -> spec.setMirror(new Mirror(101, null, null))),
        broken("spec.mirror.duration", spec -> spec.setMirror(new Mirror(50, "soon", null))),
        broken("spec.mirror.checks[0]", spec -> spec.setMirror(new Mirror(50, null, List.of("missing")))),
        broken("spec.mirror.checks", spec -> spec.setMirror(new Mirror(50, null, List.of()))),
        broken("spec.steps", spec -> spec.setSteps(null)),
        broken("spec.steps", spec -> spec.setSteps(new Steps(List.of(10), 5, null, null))),
        broken("spec.steps", spec -> spec.setSteps(new Steps(null, null, null, null))),
        broken("spec.steps.weights[1]", spec -> spec.setSteps(new Steps(List.of(10, 150), null, null, null))),
        broken("spec.steps.weights[2]", spec -> spec.setSteps(new Steps(List.of(10, 30, 30), null, null, null))),
        broken("spec.steps.weights[1]", spec -> spec.setSteps(new Steps(List.of(50, 20), null, null, null))),
        broken("spec.steps.stepWeight", spec -> spec.setSteps(new Steps(null, 0, null, null))),
        broken("spec.steps.maxWeight", spec -> spec.setSteps(new Steps(null, 10, 101, null))),
        broken("spec.steps.maxWeight", spec -> spec.setSteps(new Steps(List.of(10), null, 50, null))),
        broken("spec.steps.stepWeight", spec -> spec.setSteps(new Steps(null, 60, 50, null))),
        broken("spec.steps.interval", spec -> spec.setSteps(new Steps(List.of(10), null, null, "soon"))),
        broken("spec.checks[0].errorRate.max", spec -> spec.setChecks(List.of(errorRate("errors", 2.0)))),
        broken("spec.checks[1].name", spec -> spec.setChecks(List.of(errorRate("e", 0.1), errorRate("e", 0.2)))),
        broken("spec.checks[0]", spec -> spec.setChecks(List.of(new Check("none", null, null, null, null, null)))),
        broken("spec.checks[0].minRequests", spec -> spec.setChecks(List.of(
            new Check("e", -1L, new Check.ErrorRate(0.1), null, null, null)))),
        broken("spec.checks[0].latency.quantile", spec -> spec.setChecks(List.of(
            new Check("p", null, null, new Check.Latency(1.5, 300.0), null, null)))),
        broken("spec.checks[0].latency.maxMs", spec -> spec.setChecks(List.of(
            new Check("p", null, null, new Check.Latency(0.9, -1.0), null, null)))),
        broken("spec.checks[0].comparison.quantile", spec -> spec.setChecks(List.of(new Check("c", null, null, null,
            new Check.Comparison(Check.ComparisonMetric.LATENCY, null, 0.1), null)))),
        broken("spec.checks[0].comparison.maxDegradation", spec -> spec.setChecks(List.of(new Check("c", null, null,
            null, new Check.Comparison(Check.ComparisonMetric.ERROR_RATE, null, null), null)))),
        broken("spec.checks[0].custom", spec -> spec.setChecks(List.of(new Check("q", null, null, null, null,
            new Check.Custom("up", null, null))))),
        broken("spec.checks[0].custom.query", spec -> spec.setChecks(List.of(new Check("q", null, null, null, null,
            new Check.Custom("", 1.0, null))))),
        broken("spec.checks[0].custom.query", spec -> spec.setChecks(List.of(new Check("q", null, null, null, null,
            new Check.Custom("sum(x{pod=\"{{ pod }}\"}[{{window}}])", null, 1.0))))),
        broken("spec.sequential.alpha", spec -> spec.setSequential(new Sequential(1.0, null, null))),
        broken("spec.sequential.alpha", spec -> spec.setSequential(new Sequential(0.0, null, null))),
        broken("spec.sequential.lookInterval", spec -> spec.setSequential(new Sequential(null, "often", null))),
        broken("spec.sequential.latencyMs", spec -> spec.setSequential(new Sequential(null, null, 300.0))),
        broken("spec.failureThreshold", spec -> spec.setFailureThreshold(0)),
        broken("spec.inconclusiveBudget", spec -> spec.setInconclusiveBudget("5 minutes")),
        broken("spec.errorBudget", spec -> spec.setErrorBudget("2")),
        broken("spec.progressDeadline", spec -> spec.setProgressDeadline("1d")),
        broken("spec.notifications.webhooks[0]", spec -> spec.setNotifications(new Notifications(List.of("hooks")))),
        broken("spec.canaryReplicas", spec -> spec.setCanaryReplicas(0)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("violations")
  void eachBrokenRuleIsReportedAtItsField(String field, Consumer<ReleasePolicySpec> breakIt) {
    ReleasePolicySpec spec = ReleasePolicyFixtures.spec();
    // The test route names no check here, so that replacing the checks breaks only the rule under test.
    TestRoute route = spec.getTestRoute();
    spec.setTestRoute(new TestRoute(route.header(), route.match(), route.duration(), null, route.webhook()));
    breakIt.accept(spec);

    List<ReleasePolicyValidator.Violation> violations = validator.validate(spec);

    assertThat(violations).extracting(ReleasePolicyValidator.Violation::field).containsExactly(field);
    assertThat(violations.get(0).toString()).startsWith(field + ": ");
  }

  static Stream<Arguments> gatewayApiViolations() {
    return Stream.of(
        broken("spec.service.retries.attempts", spec -> spec.setService(service(new ServiceSpec.Retries(2, null, null),
            "10s", null, null))),
        broken("spec.service.retries.retryOn", spec -> spec.setService(service(new ServiceSpec.Retries(null, null,
            "5xx"), "10s", null, null))),
        broken("spec.service.timeout", spec -> spec.setService(service(null, "1h2m3s4ms5s", null, null))),
        broken("spec.service.retries.perTryTimeout", spec -> spec.setService(service(new ServiceSpec.Retries(null,
            "123456ms", null), null, null, null))),
        broken("spec.service.retries.perTryTimeout", spec -> spec.setService(service(new ServiceSpec.Retries(null,
            "20s", null), "10s", null, null))),
        broken("spec.service.gateways[1]", spec -> spec.setService(service(null, null,
            List.of("mesh", "istio-system/Public_Gateway"), null))),
        broken("spec.service.hosts[0]", spec -> spec.setService(service(null, null, null,
            List.of("checkout.example.com:443")))));
  }

  private static ServiceSpec service(ServiceSpec.Retries retries, String timeout, List<String> gateways,
      List<String> hosts) {
    return new ServiceSpec("checkout", null, 8080, gateways, hosts, retries, timeout);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gatewayApiViolations")
  void whatAnHttpRouteCannotCarryIsReportedForRouterGatewayApiOnly(String field, Consumer<ReleasePolicySpec> breakIt) {
    ReleasePolicySpec spec = ReleasePolicyFixtures.spec();
    breakIt.accept(spec);

    assertThat(validator.validate(spec)).as("router istio (the policy names none)").isEmpty();
    assertThat(validator.validate(spec, RouterKind.GATEWAY_API)).as("default gateway-api")
        .extracting(ReleasePolicyValidator.Violation::field).containsExactly(field);
    spec.setRouter(RouterKind.GATEWAY_API);
    assertThat(validator.validate(spec, RouterKind.ISTIO)).as("named gateway-api")
        .extracting(ReleasePolicyValidator.Violation::toString).singleElement().asString()
        .startsWith(field + ": ").contains("gateway-api");
  }

  @Test
  void whatMapsToAnHttpRouteIsValidForGatewayApi() {
    ReleasePolicySpec spec = ReleasePolicyFixtures.spec();
    spec.setRouter(RouterKind.GATEWAY_API);
    spec.setService(new ServiceSpec("checkout", "checkout.example.com", 8080, List.of("mesh", "edge/public", "internal"),
        List.of("*.checkout.example.org"), new ServiceSpec.Retries(null, "2s", null), "1m30s"));

    assertThat(validator.validate(spec)).isEmpty();
  }

  @Test
  void aCustomQueryNamesItsUnknownPlaceholdersAndTheKnownOnes() {
    ReleasePolicySpec spec = ReleasePolicyFixtures.spec();
    spec.setTestRoute(null);
    spec.setChecks(List.of(new Check("q", null, null, null, null,
        new Check.Custom("sum(x{ns=\"{{namespace}}\", pod=\"{{pod}}\"}[{{interval}}])", null, 1.0))));

    assertThat(validator.validate(spec)).extracting(ReleasePolicyValidator.Violation::toString).containsExactly(
        "spec.checks[0].custom.query: unknown placeholder {{pod}}; known: {{namespace}}, {{stable}}, {{canary}},"
            + " {{window}}",
        "spec.checks[0].custom.query: unknown placeholder {{interval}}; known: {{namespace}}, {{stable}},"
            + " {{canary}}, {{window}}");
  }
}
