package io.keelson.release.gatewayapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.keelson.release.api.MatchType;
import io.keelson.release.api.ServiceSpec;
import io.keelson.release.api.TestRoute;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.RouteDesign;
import io.keelson.release.traffic.Routes;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpRouteDesignTest {

  static PolicyRef policy(ServiceSpec service, TestRoute testRoute) {
    return new PolicyRef("shop", "checkout", "0f6c1e2a-5b7d-4c8e-9a10-1b2c3d4e5f60", service, testRoute);
  }

  static PolicyRef policy() {
    return policy(new ServiceSpec("checkout", null, 8080, null, null, null, null), header(MatchType.EXACT, "yes"));
  }

  static TestRoute header(MatchType type, String value) {
    return new TestRoute("X-Canary", new TestRoute.HeaderMatch(type, value), "2m", null, null);
  }

  @ParameterizedTest(name = "canary weight {0}")
  @ValueSource(ints = {0, 10, 50, 100})
  void theCatchAllRuleSplitsBetweenTheStableAndCanaryServicesByWeight(int weight) {
    HTTPRoute route = HttpRouteDesign.httpRoute(policy(), new Routes(weight, false));

    assertThat(route.getSpec().getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getName()).isEqualTo(RouteDesign.WEIGHTED_ROUTE);
      assertThat(rule.getMatches()).singleElement().satisfies(match -> {
        assertThat(match.getPath().getType()).isEqualTo("PathPrefix");
        assertThat(match.getPath().getValue()).isEqualTo("/");
        assertThat(match.getHeaders()).isNullOrEmpty();
      });
      assertThat(rule.getBackendRefs()).extracting(HTTPBackendRef::getName, HTTPBackendRef::getPort,
              HTTPBackendRef::getWeight)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("checkout", 8080, 100 - weight),
              org.assertj.core.groups.Tuple.tuple("checkout-canary", 8080, weight));
    });
    assertThat(HttpRouteDesign.routesOf(policy(), route)).isEqualTo(new Routes(weight, false));
  }

  @Test
  void theTestRuleSendsHeaderMatchedRequestsToTheCanary() {
    HTTPRoute route = HttpRouteDesign.httpRoute(policy(), new Routes(10, true));

    HTTPRouteRule test = route.getSpec().getRules().get(0);
    assertThat(test.getName()).isEqualTo(RouteDesign.TEST_ROUTE);
    assertThat(test.getMatches().get(0).getHeaders()).extracting(HTTPHeaderMatch::getName, HTTPHeaderMatch::getType,
        HTTPHeaderMatch::getValue).containsExactly(org.assertj.core.groups.Tuple.tuple("x-canary", "Exact", "yes"));
    assertThat(test.getBackendRefs()).extracting(HTTPBackendRef::getName).containsExactly("checkout-canary");
    assertThat(HttpRouteDesign.routesOf(policy(), route)).isEqualTo(new Routes(10, true));
  }

  @Test
  void aPrefixMatchBecomesARegularExpressionOfTheQuotedPrefix() {
    PolicyRef policy = policy(policy().service(), header(MatchType.PREFIX, "v2.1+"));

    HTTPHeaderMatch match = HttpRouteDesign.httpRoute(policy, new Routes(0, true)).getSpec().getRules().get(0)
        .getMatches().get(0).getHeaders().get(0);

    assertThat(match.getType()).isEqualTo("RegularExpression");
    Pattern regex = Pattern.compile(match.getValue());
    assertThat(regex.matcher("v2.1+build7").matches()).isTrue();
    assertThat(regex.matcher("v2x1+").matches()).as("the dot is literal").isFalse();
    assertThat(regex.matcher("xv2.1+").matches()).as("anchored at the start").isFalse();
  }

  @Test
  void aRegexMatchIsPassedThrough() {
    PolicyRef policy = policy(policy().service(), header(MatchType.REGEX, "^(yes|true)$"));

    HTTPHeaderMatch match = HttpRouteDesign.httpRoute(policy, new Routes(0, true)).getSpec().getRules().get(0)
        .getMatches().get(0).getHeaders().get(0);

    assertThat(match.getType()).isEqualTo("RegularExpression");
    assertThat(match.getValue()).isEqualTo("^(yes|true)$");
  }

  @Test
  void whileMirroringTheWeightedRuleCarriesARequestMirrorFilterWithItsPercent() {
    HTTPRoute route = HttpRouteDesign.httpRoute(policy(), new Routes(0, true, 40));

    assertThat(route.getSpec().getRules().get(0).getFilters()).as("test requests are not copied").isNullOrEmpty();
    assertThat(route.getSpec().getRules().get(1).getFilters()).singleElement().satisfies(filter -> {
      assertThat(filter.getType()).isEqualTo("RequestMirror");
      assertThat(filter.getRequestMirror().getPercent()).isEqualTo(40);
      assertThat(filter.getRequestMirror().getFraction()).isNull();
      assertThat(filter.getRequestMirror().getBackendRef()).satisfies(ref -> {
        assertThat(ref.getName()).isEqualTo("checkout-canary");
        assertThat(ref.getKind()).isEqualTo("Service");
        assertThat(ref.getGroup()).isEmpty();
        assertThat(ref.getPort()).isEqualTo(8080);
      });
    });
    assertThat(HttpRouteDesign.routesOf(policy(), route)).isEqualTo(new Routes(0, true, 40));
    assertThat(HttpRouteDesign.httpRoute(policy(), new Routes(10, true)).getSpec().getRules().get(1).getFilters())
        .as("no mirror outside the phase").isNullOrEmpty();
  }

  @Test
  void aMirrorByFractionOrWithoutShareIsReadAsTheDataPlaneCopies() {
    HTTPRoute route = HttpRouteDesign.httpRoute(policy(), new Routes(0, false, 40));
    var mirror = route.getSpec().getRules().get(0).getFilters().get(0).getRequestMirror();
    mirror.setPercent(null);
    mirror.setFraction(new io.fabric8.kubernetes.api.model.gatewayapi.v1.Fraction(3, 1));
    assertThat(HttpRouteDesign.routesOf(policy(), route).mirrorPercent()).as("1/3 rounded up").isEqualTo(34);
    mirror.setFraction(null);
    assertThat(HttpRouteDesign.routesOf(policy(), route).mirrorPercent()).as("neither: all").isEqualTo(100);
  }

  @Test
  void aTestRouteThePolicyDoesNotDefineIsRefused() {
    assertThatThrownBy(() -> HttpRouteDesign.httpRoute(policy(policy().service(), null), new Routes(0, true)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shop/checkout");
  }

  @Test
  void withoutGatewaysTheRouteAttachesToItsServiceOnlyAndNamesNoHostnames() {
    HTTPRoute route = HttpRouteDesign.httpRoute(policy(new ServiceSpec("checkout", "checkout.example.com", 8080,
        null, List.of("checkout.example.org"), null, null), null), Routes.STABLE);

    assertThat(route.getSpec().getParentRefs()).extracting(ParentReference::getGroup, ParentReference::getKind,
        ParentReference::getName).containsExactly(org.assertj.core.groups.Tuple.tuple("", "Service", "checkout"));
    assertThat(route.getSpec().getHostnames()).isNullOrEmpty();
  }

  @Test
  void namedGatewaysAreGatewayParentsWithThePolicysHostnames() {
    HTTPRoute route = HttpRouteDesign.httpRoute(policy(new ServiceSpec("checkout", "checkout.example.com", 8080,
        List.of("edge/public", "internal"), List.of("checkout.example.org"), null, null), null), Routes.STABLE);

    assertThat(route.getSpec().getParentRefs()).extracting(ParentReference::getKind, ParentReference::getNamespace,
        ParentReference::getName).containsExactly(
        org.assertj.core.groups.Tuple.tuple("Gateway", "edge", "public"),
        org.assertj.core.groups.Tuple.tuple("Gateway", null, "internal"));
    assertThat(route.getSpec().getHostnames()).containsExactly("checkout.example.com", "checkout.example.org");
  }

  @Test
  void timeoutAndPerTryTimeoutMapToTheRulesTimeouts() {
    HTTPRoute route = HttpRouteDesign.httpRoute(policy(new ServiceSpec("checkout", null, 8080, null, null,
        new ServiceSpec.Retries(null, "2s", null), "10s"), header(MatchType.EXACT, "yes")), new Routes(0, true));

    assertThat(route.getSpec().getRules()).allSatisfy(rule -> {
      assertThat(rule.getTimeouts().getRequest()).isEqualTo("10s");
      assertThat(rule.getTimeouts().getBackendRequest()).isEqualTo("2s");
      assertThat(rule.getRetry()).isNull();
    });
  }

  @Test
  void weightsAreReadAsProportionsAndAFirstCatchAllRuleDecides() {
    HTTPRoute route = HttpRouteDesign.httpRoute(policy(), new Routes(10, false));
    List<HTTPBackendRef> backends = route.getSpec().getRules().get(0).getBackendRefs();
    backends.get(0).setWeight(1);
    backends.get(1).setWeight(2);
    assertThat(HttpRouteDesign.routesOf(policy(), route)).isEqualTo(new Routes(67, false));

    backends.get(0).setWeight(0);
    backends.get(1).setWeight(0);
    assertThat(HttpRouteDesign.routesOf(policy(), route)).as("no weight: nothing reaches the canary")
        .isEqualTo(Routes.STABLE);
  }

  @Test
  void theLiveRouteAsDesignedNeedsNoWrite() {
    HTTPRoute desired = HttpRouteDesign.httpRoute(policy(), new Routes(25, true));

    assertThat(RouteDesign.plan(HttpRouteDesign.httpRoute(policy(), new Routes(25, true)), desired).modified())
        .isFalse();
    assertThat(RouteDesign.plan(HttpRouteDesign.httpRoute(policy(), new Routes(30, true)), desired).modified())
        .isTrue();
  }
}
