package io.keelson.release.deploy;

import static io.keelson.release.deploy.Manifests.NS;
import static io.keelson.release.deploy.Manifests.deployment;
import static io.keelson.release.deploy.Manifests.image;
import static io.keelson.release.deploy.Manifests.parse;
import static io.keelson.release.deploy.Manifests.policy;
import static io.keelson.release.deploy.Manifests.service;
import static io.keelson.release.deploy.Manifests.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.keelson.release.api.ReleaseIdentity;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.RouterKind;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.deploy.ReleaseAwareRender.Problem;
import io.keelson.release.deploy.ReleaseAwareRender.ReleaseState;
import io.keelson.release.deploy.ReleaseAwareRender.Result;
import io.keelson.release.model.TemplateHash;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReleaseAwareRenderTest {

  private static final PolicyKey KEY = new PolicyKey(NS, "checkout-release");
  private static final String V1 = "checkout:1.0";
  private static final String V2 = "checkout:2.0";
  private static final String V3 = "checkout:3.0";

  private final ReleaseAwareRender render = new ReleaseAwareRender();

  /** Git declares V2; the status says what was released and where the release stands. */
  static Stream<Arguments> releaseStates() {
    return Stream.of(
        Arguments.of("never released", null, V2, null, ReleaseState.UNRELEASED),
        Arguments.of("status without a stable template", status(null, ReleasePhase.Idle, null), V2, null,
            ReleaseState.UNRELEASED),
        Arguments.of("Git declares the released template", status(V2, ReleasePhase.Idle, null), V2, null,
            ReleaseState.STEADY),
        Arguments.of("succeeded with the Git template", status(V2, ReleasePhase.Succeeded, V2), V2, null,
            ReleaseState.STEADY),
        Arguments.of("new candidate, release not yet started", status(V1, ReleasePhase.Idle, null), V1, V2,
            ReleaseState.CANARY),
        Arguments.of("deploying the candidate", status(V1, ReleasePhase.Deploying, V2), V1, V2,
            ReleaseState.CANARY),
        Arguments.of("testing the candidate", status(V1, ReleasePhase.Testing, V2), V1, V2, ReleaseState.CANARY),
        Arguments.of("progressing the candidate", status(V1, ReleasePhase.Progressing, V2), V1, V2,
            ReleaseState.CANARY),
        Arguments.of("promoting the candidate", status(V1, ReleasePhase.Promoting, V2), V2, V2,
            ReleaseState.PROMOTING),
        Arguments.of("promoting an older candidate", status(V1, ReleasePhase.Promoting, V3), V1, V2,
            ReleaseState.CANARY),
        Arguments.of("rolling the candidate back", status(V1, ReleasePhase.RollingBack, V2), V1, null,
            ReleaseState.HELD_BACK),
        Arguments.of("the candidate failed", status(V1, ReleasePhase.Failed, V2), V1, null,
            ReleaseState.HELD_BACK),
        Arguments.of("an older candidate failed, Git moved on", status(V1, ReleasePhase.Failed, V3), V1, V2,
            ReleaseState.CANARY),
        Arguments.of("the previous release succeeded, Git moved on", status(V1, ReleasePhase.Succeeded, V1), V1, V2,
            ReleaseState.CANARY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releaseStates")
  void theStableAndCanaryTemplatesFollowTheReleaseState(String situation, ReleasePolicyStatus status,
      String stableImage, String canaryImage, ReleaseState state) {
    Result result = render.apply(gitRevision(V2), status == null ? Map.of() : Map.of(KEY, status));

    assertThat(result.problems()).isEmpty();
    assertThat(image(named(result, "Deployment", "checkout"))).isEqualTo(stableImage);
    if (canaryImage == null) {
      assertThat(names(result)).doesNotContain("Deployment/checkout-canary", "Service/checkout-canary");
    } else {
      assertThat(image(named(result, "Deployment", "checkout-canary"))).isEqualTo(canaryImage);
      assertThat(names(result)).contains("Service/checkout-canary");
    }
    assertThat(result.releases()).singleElement().satisfies(release -> {
      assertThat(release.state()).isEqualTo(state);
      assertThat(release.policy()).isEqualTo(KEY);
      assertThat(release.deployment()).isEqualTo(new ObjectId("apps/v1", "Deployment", NS, "checkout"));
      assertThat(release.gitTemplateHash()).isEqualTo(hash(V2));
      assertThat(release.gitTemplate()).isEqualTo(template(deployment("checkout", V2)));
    });
  }

  @Test
  void unchangedStatesEmitExactlyWhatGitDeclares() {
    List<GenericKubernetesResource> git = gitRevision(V2);

    assertThat(render.apply(git, Map.of()).objects()).isEqualTo(git);
    assertThat(render.apply(git, Map.of(KEY, status(V2, ReleasePhase.Succeeded, V2))).objects()).isEqualTo(git);
  }

  @Test
  void theStableDeploymentTakesEveryFieldButTheTemplateFromGit() {
    Result result = render.apply(gitRevision(V2), Map.of(KEY, status(V1, ReleasePhase.Progressing, V2)));

    GenericKubernetesResource stable = named(result, "Deployment", "checkout");
    GenericKubernetesResource expected = deployment("checkout", V1);
    // Plus the hash of the template it runs, by which the controller sees stable roll during promotion.
    expected.getMetadata().setAnnotations(Map.of(ReleaseAwareRender.TEMPLATE_HASH_ANNOTATION,
        io.keelson.release.model.TemplateHash.of(templateOf(expected))));
    assertThat(stable).isEqualTo(expected);
    assertThat(stable.<Integer>get("spec", "replicas")).isEqualTo(4);
    assertThat(stable.getMetadata().getLabels()).containsExactlyEntriesOf(Map.of("team", "payments"));
  }

  @Test
  void theCanaryDeploymentRunsTheCandidateWithSelectorsThatNeverOverlapStable() {
    Result result = render.apply(gitRevision(V2), Map.of(KEY, status(V1, ReleasePhase.Progressing, V2)));

    GenericKubernetesResource canary = named(result, "Deployment", "checkout-canary");
    assertThat(canary.getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(canary.getMetadata().getLabels())
        .containsEntry("team", "payments").containsEntry("keelson.io/release", "checkout-release");
    assertThat(canary.getMetadata().getAnnotations()).containsEntry("keelson.io/candidate-hash", hash(V2));
    assertThat(canary.<Map<String, Object>>get("spec", "selector", "matchLabels"))
        .isEqualTo(Map.of("app", "checkout-canary", "track", "main-canary"));
    // tier is not in the Deployment's selector, but the Service selects by it: suffixed too, so the stable
    // Service never reaches canary pods.
    assertThat(canary.<Map<String, Object>>get("spec", "template", "metadata", "labels"))
        .isEqualTo(Map.of("app", "checkout-canary", "track", "main-canary", "tier", "web-canary"));
    assertThat(canary.<Integer>get("spec", "replicas")).isEqualTo(4);
    assertThat(canary.<String>get("spec", "strategy", "type")).isEqualTo("RollingUpdate");
  }

  @Test
  void canaryReplicasComeFromThePolicyWhenItSetsThem() {
    List<GenericKubernetesResource> git = List.of(
        Manifests.policyWithCanaryReplicas("checkout-release", "checkout", 1), service("checkout"),
        deployment("checkout", V2));

    Result result = render.apply(git, Map.of(KEY, status(V1, ReleasePhase.Progressing, V2)));

    assertThat(named(result, "Deployment", "checkout-canary").<Integer>get("spec", "replicas")).isEqualTo(1);
    assertThat(named(result, "Deployment", "checkout").<Integer>get("spec", "replicas")).isEqualTo(4);
  }

  @Test
  void theCanaryServiceCopiesThePortsAndSelectsOnlyCanaryPods() {
    Result result = render.apply(gitRevision(V2), Map.of(KEY, status(V1, ReleasePhase.Progressing, V2)));

    GenericKubernetesResource canary = named(result, "Service", "checkout-canary");
    assertThat(canary.getApiVersion()).isEqualTo("v1");
    assertThat(canary.getMetadata().getLabels()).containsEntry("keelson.io/release", "checkout-release");
    assertThat(canary.getMetadata().getAnnotations()).containsEntry("keelson.io/candidate-hash", hash(V2));
    assertThat(canary.<Map<String, Object>>get("spec", "selector"))
        .isEqualTo(Map.of("app", "checkout-canary", "tier", "web-canary"));
    assertThat(canary.<List<Object>>get("spec", "ports"))
        .isEqualTo(List.of(Map.of("name", "http", "port", 80, "targetPort", 8080)));
    assertThat(canary.<Object>get("spec", "type")).isNull();
  }

  @Test
  void outputFollowsInputOrderWithEachCanaryRightAfterItsDeployment() {
    List<GenericKubernetesResource> git = new ArrayList<>(gitRevision(V2));
    git.add(parse("{apiVersion: v1, kind: ConfigMap, metadata: {name: settings, namespace: shop}}"));

    Result result = render.apply(git, Map.of(KEY, status(V1, ReleasePhase.Progressing, V2)));

    assertThat(names(result)).containsExactly("ReleasePolicy/checkout-release", "Service/checkout",
        "Deployment/checkout", "Deployment/checkout-canary", "Service/checkout-canary", "ConfigMap/settings");
    assertThat(render.apply(git, Map.of(KEY, status(V1, ReleasePhase.Progressing, V2)))).isEqualTo(result);
  }

  @Test
  void theInputsAreNeverMutated() throws JsonProcessingException {
    List<GenericKubernetesResource> git = gitRevision(V2);
    ReleasePolicyStatus status = status(V1, ReleasePhase.Promoting, V2);
    String before = Manifests.YAML.writeValueAsString(List.of(git, status));

    Result result = render.apply(git, Map.of(KEY, status));
    named(result, "Deployment", "checkout").getMetadata().getLabels().put("changed", "after");

    assertThat(Manifests.YAML.writeValueAsString(List.of(git, status))).isEqualTo(before);
  }

  @Test
  void objectsNoReleaseChangesArePassedThroughNotCopied() {
    List<GenericKubernetesResource> git = gitRevision(V2);

    Result result = render.apply(git, Map.of(KEY, status(V1, ReleasePhase.Progressing, V2)));

    // A revision of thousands of objects is held once, not once more per sync.
    assertThat(named(result, "Service", "checkout")).isSameAs(find(git, "Service", "checkout"));
    assertThat(named(result, "Deployment", "checkout")).isNotSameAs(find(git, "Deployment", "checkout"));
  }

  private static GenericKubernetesResource find(List<GenericKubernetesResource> objects, String kind, String name) {
    return objects.stream().filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name))
        .findFirst().orElseThrow();
  }

  /** Revisions that cannot be rendered, and the objects each problem must name. */
  static Stream<Arguments> problems() {
    GenericKubernetesResource matchExpressions = deployment("checkout", V2);
    Manifests.spec(matchExpressions).put("selector", Map.of("matchExpressions",
        List.of(Map.of("key", "app", "operator", "In", "values", List.of("checkout")))));
    GenericKubernetesResource invalidPolicy = policy("checkout-release", "checkout");
    Manifests.spec(invalidPolicy).put("steps", Map.of("stepWeight", 0));
    GenericKubernetesResource wrongType = policy("checkout-release", "checkout");
    Manifests.spec(wrongType).put("steps", Map.of("weights", List.of(10, "lots")));
    GenericKubernetesResource unknownField = policy("checkout-release", "checkout");
    Manifests.spec(unknownField).put("stepWieght", 5);
    Manifests.spec(unknownField).put("target", Map.of("name", "checkout"));
    GenericKubernetesResource gatewayApiWithRetries = policy("checkout-release", "checkout");
    Manifests.spec(gatewayApiWithRetries).put("router", "gateway-api");
    Manifests.spec(gatewayApiWithRetries).put("service", Map.of("name", "checkout", "port", 80,
        "retries", Map.of("attempts", 3)));
    return Stream.of(
        Arguments.of("two policies govern one Deployment",
            List.of(policy("checkout-release", "checkout"), policy("checkout-other", "checkout"),
                service("checkout"), deployment("checkout", V2)),
            List.of(policyId("checkout-release"), policyId("checkout-other")), "govern Deployment checkout"),
        Arguments.of("the policy's Service is missing",
            List.of(policy("checkout-release", "checkout"), deployment("checkout", V2)),
            List.of(policyId("checkout-release")), "names Service checkout"),
        Arguments.of("the policy's Deployment is missing",
            List.of(policy("checkout-release", "checkout"), service("checkout")),
            List.of(policyId("checkout-release")), "targets Deployment checkout"),
        Arguments.of("a VirtualService routes the policy's host",
            withGit(virtualService("networking.istio.io/v1", "checkout", "checkout.shop.svc.cluster.local")),
            List.of(new ObjectId("networking.istio.io/v1", "VirtualService", NS, "checkout"),
                policyId("checkout-release")), "owns routing"),
        Arguments.of("a v1beta1 VirtualService routes the short service name",
            withGit(virtualService("networking.istio.io/v1beta1", "checkout", "checkout")),
            List.of(new ObjectId("networking.istio.io/v1beta1", "VirtualService", NS, "checkout"),
                policyId("checkout-release")), "routes host checkout,"),
        Arguments.of("a DestinationRule for the policy's host",
            withGit(parse("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: checkout, namespace: shop}
                spec: {host: checkout.shop.svc.cluster.local}
                """)),
            List.of(new ObjectId("networking.istio.io/v1", "DestinationRule", NS, "checkout"),
                policyId("checkout-release")), "DestinationRule checkout"),
        Arguments.of("an HTTPRoute is attached to the policy's Service",
            withGit(parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: checkout-mesh, namespace: shop}
                spec:
                  parentRefs: [{group: "", kind: Service, name: checkout, port: 80}]
                  rules: [{backendRefs: [{name: checkout, port: 80}]}]
                """)),
            List.of(new ObjectId("gateway.networking.k8s.io/v1", "HTTPRoute", NS, "checkout-mesh"),
                policyId("checkout-release")), "HTTPRoute checkout-mesh is attached to Service checkout"),
        Arguments.of("an HTTPRoute at a Gateway routes the policy's host",
            withGit(parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: checkout-public, namespace: edge}
                spec:
                  parentRefs: [{name: public}]
                  hostnames: [checkout.shop.svc.cluster.local]
                  rules: [{backendRefs: [{name: checkout, namespace: shop, port: 80}]}]
                """)),
            List.of(new ObjectId("gateway.networking.k8s.io/v1", "HTTPRoute", "edge", "checkout-public"),
                policyId("checkout-release")), "routes host checkout.shop.svc.cluster.local"),
        Arguments.of("the policy's router cannot carry its retries",
            List.of(gatewayApiWithRetries, service("checkout"), deployment("checkout", V2)),
            List.of(policyId("checkout-release")), "spec.service.retries.attempts"),
        Arguments.of("Git declares the canary Deployment's name",
            withGit(deployment("checkout-canary", V1)),
            List.of(new ObjectId("apps/v1", "Deployment", NS, "checkout-canary"), policyId("checkout-release")),
            "generates it for its canary"),
        Arguments.of("the Deployment selects by matchExpressions",
            List.of(policy("checkout-release", "checkout"), service("checkout"), matchExpressions),
            List.of(new ObjectId("apps/v1", "Deployment", NS, "checkout"), policyId("checkout-release")),
            "matchLabels only"),
        Arguments.of("the policy breaks a schema rule",
            List.of(invalidPolicy, service("checkout"), deployment("checkout", V2)),
            List.of(policyId("checkout-release")), "spec.steps.stepWeight"),
        Arguments.of("the policy has an unknown field",
            List.of(unknownField, service("checkout"), deployment("checkout", V2)),
            List.of(policyId("checkout-release")), "invalid ReleasePolicy: unknown field spec.stepWieght; unknown"
                + " field spec.target (did you mean targetRef?)"),
        Arguments.of("a field has the wrong type",
            List.of(wrongType, service("checkout"), deployment("checkout", V2)),
            List.of(policyId("checkout-release")), "invalid ReleasePolicy: spec.steps.weights[1] must be a number"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void problemsNameEveryObjectAtFault(String situation, List<GenericKubernetesResource> git,
      List<ObjectId> atFault, String message) {
    Result result = render.apply(git, Map.of(KEY, status(V1, ReleasePhase.Progressing, V2)));

    assertThat(result.problems()).singleElement().satisfies(problem -> {
      assertThat(problem.objects()).containsExactlyInAnyOrderElementsOf(atFault);
      assertThat(problem.message()).contains(message);
    });
  }

  static Stream<Arguments> routingThatDoesNotConflict() {
    return Stream.of(
        Arguments.of("another host", virtualService("networking.istio.io/v1", "other", "payments")),
        Arguments.of("the short name in another namespace",
            parse("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: checkout, namespace: elsewhere}
                spec: {hosts: [checkout]}
                """)),
        Arguments.of("an HTTPRoute attached to another Service", parse("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: payments, namespace: shop}
            spec: {parentRefs: [{group: "", kind: Service, name: payments}]}
            """)),
        Arguments.of("an HTTPRoute attached to the same Service name in another namespace", parse("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: checkout, namespace: elsewhere}
            spec: {parentRefs: [{group: "", kind: Service, name: checkout}]}
            """)),
        Arguments.of("a Gateway is no routing object", parse("""
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: checkout, namespace: shop}
            spec: {selector: {istio: ingressgateway}}
            """)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("routingThatDoesNotConflict")
  void routingForOtherHostsIsGitsToDeclare(String situation, GenericKubernetesResource routing) {
    assertThat(render.apply(withGit(routing), Map.of()).problems()).isEmpty();
  }

  @Test
  void extraHostsOfThePolicyAreOwnedToo() {
    GenericKubernetesResource policy = policy("checkout-release", "checkout");
    Manifests.spec(policy).put("service", Map.of("name", "checkout", "port", 80,
        "hosts", List.of("checkout.example.com")));

    Result result = render.apply(List.of(policy, service("checkout"), deployment("checkout", V2),
        virtualService("networking.istio.io/v1", "public", "checkout.example.com")), Map.of());

    assertThat(result.problems()).extracting(Problem::message).singleElement().asString()
        .contains("checkout.example.com");
  }

  @Test
  void retriesAreRefusedWhenTheConfiguredDefaultRouterIsGatewayApi() {
    GenericKubernetesResource policy = policy("checkout-release", "checkout");
    Manifests.spec(policy).put("service", Map.of("name", "checkout", "port", 80, "retries", Map.of("attempts", 3)));
    List<GenericKubernetesResource> git = List.of(policy, service("checkout"), deployment("checkout", V2));

    assertThat(render.apply(git, Map.of()).problems()).as("Istio, the default default, has retries").isEmpty();
    assertThat(new ReleaseAwareRender(RouterKind.GATEWAY_API).apply(git, Map.of()).problems())
        .extracting(Problem::message).singleElement().asString()
        .contains("spec.service.retries.attempts", "router gateway-api");
  }

  @Test
  void aDeploymentNoPolicyGovernsIsLeftAlone() {
    List<GenericKubernetesResource> git = List.of(service("cart"), deployment("cart", V2));

    Result result = render.apply(git, Map.of(KEY, status(V1, ReleasePhase.Progressing, V2)));

    assertThat(result.objects()).isEqualTo(git);
    assertThat(result.problems()).isEmpty();
    assertThat(result.releases()).isEmpty();
  }

  /** Stable V1; a release of V2 in each phase, or none (Idle with V1, Succeeded with V2). */
  static Stream<ReleasePolicyStatus> recordedReleases() {
    return Stream.of(ReleasePhase.values()).map(phase -> {
      boolean done = phase == ReleasePhase.Idle || phase == ReleasePhase.Succeeded;
      String stable = phase == ReleasePhase.Succeeded ? V2 : V1;
      ReleasePolicyStatus status = status(stable, phase, done ? null : V2);
      if (!done && phase != ReleasePhase.Failed) {
        status.setCandidateTemplate(template(deployment("checkout", V2)));
      }
      return status;
    });
  }

  @ParameterizedTest
  @MethodSource("recordedReleases")
  void whatRenderLastEmittedFollowsFromTheStatusAsIfGitStillDeclaredItsRelease(ReleasePolicyStatus status) {
    String declared = status.getCandidate() != null || status.getPhase() == ReleasePhase.Succeeded ? V2 : V1;
    ReleaseAwareRender.Release rendered = render.apply(gitRevision(declared), Map.of(KEY, status)).releases().get(0);

    ReleaseAwareRender.Release last = ReleaseAwareRender.lastRendered(KEY, "checkout", status).orElseThrow();

    assertThat(last.state()).as(status.getPhase().name()).isEqualTo(rendered.state());
    assertThat(last.gitTemplateHash()).isEqualTo(rendered.gitTemplateHash());
    assertThat(last.stableTemplateHash()).isEqualTo(rendered.stableTemplateHash());
    assertThat(last.deployment()).isEqualTo(rendered.deployment());
    if (status.getPhase() != ReleasePhase.Failed) {
      assertThat(TemplateHash.of(last.gitTemplate())).isEqualTo(rendered.gitTemplateHash());
    }
  }

  /**
   * A render reports its release against the status it read; restated against a later status, it says what a
   * render of the same Git would say now, for every pair of statuses and whatever Git declares.
   */
  @ParameterizedTest
  @MethodSource("recordedReleases")
  void aReleaseRestatedForALaterStatusIsWhatARenderWithThatStatusReports(ReleasePolicyStatus readByRender) {
    List<ReleasePolicyStatus> later = recordedReleases().toList();
    for (String declared : List.of(V1, V2, V3)) {
      ReleaseAwareRender.Release rendered = render.apply(gitRevision(declared), Map.of(KEY, readByRender))
          .releases().get(0);
      for (ReleasePolicyStatus now : later) {
        ReleaseAwareRender.Release current = render.apply(gitRevision(declared), Map.of(KEY, now)).releases().get(0);

        assertThat(ReleaseAwareRender.restated(rendered, null, now))
            .as("Git %s, rendered with %s, decided on %s", declared, readByRender.getPhase(), now.getPhase())
            .isEqualTo(current);
      }
    }
  }

  @Test
  void nothingWasRenderedForAPolicyNeverReleased() {
    assertThat(ReleaseAwareRender.lastRendered(KEY, "checkout", null)).isEmpty();
    assertThat(ReleaseAwareRender.lastRendered(KEY, "checkout", status(null, ReleasePhase.Idle, null))).isEmpty();
  }

  @Test
  void promotionRollbackAndANewStableChangeWhatRenderEmitsButAStepDoesNot() {
    ReleasePolicyStatus progressing = status(V1, ReleasePhase.Progressing, V2);
    ReleasePolicyStatus nextStep = status(V1, ReleasePhase.Progressing, V2);
    nextStep.setStep(2);
    nextStep.setCanaryWeight(60);

    assertThat(ReleaseAwareRender.rendersAlike(progressing, nextStep)).isTrue();
    assertThat(ReleaseAwareRender.rendersAlike(progressing, status(V1, ReleasePhase.Testing, V2))).isTrue();
    assertThat(ReleaseAwareRender.rendersAlike(progressing, status(V1, ReleasePhase.Promoting, V2))).isFalse();
    assertThat(ReleaseAwareRender.rendersAlike(status(V1, ReleasePhase.Promoting, V2),
        status(V1, ReleasePhase.RollingBack, V2))).isFalse();
    assertThat(ReleaseAwareRender.rendersAlike(status(V1, ReleasePhase.Promoting, V2),
        status(V2, ReleasePhase.Succeeded, null))).isFalse();
    assertThat(ReleaseAwareRender.rendersAlike(progressing, status(V1, ReleasePhase.Progressing, V3))).isFalse();
    assertThat(ReleaseAwareRender.rendersAlike(new ReleasePolicyStatus(), status(V1, ReleasePhase.Idle, null)))
        .as("the first stable template recorded").isFalse();
  }

  private static List<GenericKubernetesResource> gitRevision(String image) {
    return List.of(policy("checkout-release", "checkout"), service("checkout"), deployment("checkout", image));
  }

  private static List<GenericKubernetesResource> withGit(GenericKubernetesResource extra) {
    List<GenericKubernetesResource> git = new ArrayList<>(gitRevision(V2));
    git.add(extra);
    return git;
  }

  private static GenericKubernetesResource virtualService(String apiVersion, String name, String host) {
    return parse("""
        apiVersion: %s
        kind: VirtualService
        metadata: {name: %s, namespace: shop}
        spec:
          hosts: [%s]
          http: [{route: [{destination: {host: %s}}]}]
        """.formatted(apiVersion, name, host, host));
  }

  private static ObjectId policyId(String name) {
    return new ObjectId("keelson.io/v1alpha1", "ReleasePolicy", NS, name);
  }

  private static ReleasePolicyStatus status(String stableImage, ReleasePhase phase, String candidateImage) {
    ReleasePolicyStatus status = new ReleasePolicyStatus();
    status.setPhase(phase);
    if (stableImage != null) {
      status.setStableTemplate(template(deployment("checkout", stableImage)));
      status.setStable(new ReleaseIdentity(hash(stableImage), "rev-" + stableImage, 1));
    }
    if (candidateImage != null) {
      status.setCandidate(new ReleaseIdentity(hash(candidateImage), "rev-" + candidateImage, 1));
    }
    return status;
  }

  private static String hash(String image) {
    return TemplateHash.of(template(deployment("checkout", image)));
  }

  private static GenericKubernetesResource named(Result result, String kind, String name) {
    return result.objects().stream()
        .filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError(kind + "/" + name + " not rendered: " + names(result)));
  }

  private static List<String> names(Result result) {
    return result.objects().stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> templateOf(GenericKubernetesResource deployment) {
    return (Map<String, Object>) ((Map<String, Object>) deployment.getAdditionalProperties().get("spec")).get("template");
  }

  @Test
  void whilePromotingTheStableDeploymentIsMarkedWithTheCandidatesHash() {
    Result result = render.apply(gitRevision(V2), Map.of(KEY, status(V1, ReleasePhase.Promoting, V2)));

    GenericKubernetesResource stable = named(result, "Deployment", "checkout");
    assertThat(stable.getMetadata().getAnnotations()).containsEntry(ReleaseAwareRender.TEMPLATE_HASH_ANNOTATION,
        io.keelson.release.model.TemplateHash.of(templateOf(deployment("checkout", V2))));
  }

  @Test
  void withQueueTheCanaryKeepsTheReleaseUnderWayWhileANewerGitTemplateWaits() {
    ReleasePolicyStatus underWay = status(V1, ReleasePhase.Progressing, V2);
    underWay.setCandidateTemplate(template(deployment("checkout", V2)));
    List<GenericKubernetesResource> queued = List.of(onNewCandidate(policy("checkout-release", "checkout"), "queue"),
        service("checkout"), deployment("checkout", V3));
    Result waits = render.apply(queued, Map.of(KEY, underWay));

    assertThat(image(named(waits, "Deployment", "checkout-canary"))).isEqualTo(V2);
    assertThat(named(waits, "Deployment", "checkout-canary").getMetadata().getAnnotations())
        .containsEntry(ReleaseAwareRender.CANDIDATE_HASH_ANNOTATION, hash(V2));
    assertThat(waits.releases()).singleElement().satisfies(release ->
        assertThat(release.gitTemplateHash()).as("the strategy still sees what waits").isEqualTo(hash(V3)));
    assertThat(image(named(waits, "Deployment", "checkout"))).isEqualTo(V1);
  }

  /** Git moves from V2 (under release) to {@code gitImage}; the status says where V2's release stands. */
  static Stream<Arguments> gitMovesOnDuringARelease() {
    return Stream.of(
        Arguments.of("a new candidate while testing: the test route still reaches the canary", ReleasePhase.Testing,
            V3, V1, V2, ReleaseState.CANARY),
        Arguments.of("a new candidate under weight", ReleasePhase.Progressing, V3, V1, V2, ReleaseState.CANARY),
        Arguments.of("a new candidate while promoting: stable and canary keep V2", ReleasePhase.Promoting, V3, V2,
            V2, ReleaseState.PROMOTING),
        Arguments.of("a revert under weight: the canary stays until traffic is off it", ReleasePhase.Progressing,
            V1, V1, V2, ReleaseState.CANARY),
        Arguments.of("a new candidate while deploying: no route reaches the canary", ReleasePhase.Deploying, V3,
            V1, V3, ReleaseState.CANARY),
        Arguments.of("superseded, traffic back on stable: the new candidate deploys", ReleasePhase.RollingBack, V3,
            V1, V3, ReleaseState.CANARY),
        Arguments.of("reverted, traffic back on stable: no canary", ReleasePhase.RollingBack, V1, V1, null,
            ReleaseState.STEADY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gitMovesOnDuringARelease")
  void theCanaryChangesTemplateOnlyOnceNoRouteReachesIt(String situation, ReleasePhase phase, String gitImage,
      String stableImage, String canaryImage, ReleaseState state) {
    ReleasePolicyStatus underWay = status(V1, phase, V2);
    underWay.setCandidateTemplate(template(deployment("checkout", V2)));

    Result result = render.apply(gitRevision(gitImage), Map.of(KEY, underWay));

    assertThat(image(named(result, "Deployment", "checkout"))).isEqualTo(stableImage);
    if (canaryImage == null) {
      assertThat(names(result)).doesNotContain("Deployment/checkout-canary", "Service/checkout-canary");
    } else {
      assertThat(image(named(result, "Deployment", "checkout-canary"))).isEqualTo(canaryImage);
      assertThat(named(result, "Deployment", "checkout-canary").getMetadata().getAnnotations())
          .containsEntry(ReleaseAwareRender.CANDIDATE_HASH_ANNOTATION, hash(canaryImage));
    }
    assertThat(result.releases()).singleElement().satisfies(release -> {
      assertThat(release.state()).isEqualTo(state);
      assertThat(release.gitTemplateHash()).as("the strategy sees what Git declares").isEqualTo(hash(gitImage));
    });
  }

  @Test
  void withQueuePromotionRollsStableToTheReleaseUnderWayNotToTheQueuedTemplate() {
    ReleasePolicyStatus promoting = status(V1, ReleasePhase.Promoting, V2);
    promoting.setCandidateTemplate(template(deployment("checkout", V2)));
    List<GenericKubernetesResource> queued = List.of(onNewCandidate(policy("checkout-release", "checkout"), "queue"),
        service("checkout"), deployment("checkout", V3));

    Result result = render.apply(queued, Map.of(KEY, promoting));

    assertThat(image(named(result, "Deployment", "checkout"))).isEqualTo(V2);
    assertThat(result.releases()).singleElement().satisfies(release ->
        assertThat(release.state()).isEqualTo(ReleaseAwareRender.ReleaseState.PROMOTING));
  }

  @SuppressWarnings("unchecked")
  private static GenericKubernetesResource onNewCandidate(GenericKubernetesResource policy, String mode) {
    ((Map<String, Object>) policy.getAdditionalProperties().get("spec")).put("onNewCandidate", mode);
    return policy;
  }

  @SuppressWarnings("unchecked")
  private static String image(GenericKubernetesResource deployment) {
    Map<String, Object> podSpec = (Map<String, Object>) templateOf(deployment).get("spec");
    return (String) ((List<Map<String, Object>>) podSpec.get("containers")).get(0).get("image");
  }
}
