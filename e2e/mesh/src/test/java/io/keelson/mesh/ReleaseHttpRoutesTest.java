package io.keelson.mesh;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keelson.release.api.MatchType;
import io.keelson.release.api.RouterKind;
import io.keelson.release.api.ServiceSpec;
import io.keelson.release.api.TestRoute;
import io.keelson.release.gatewayapi.HttpRouteDesign;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.Routes;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The mesh reads the HTTPRoute the release controller writes as the Gateway API specifies. */
class ReleaseHttpRoutesTest {

  private static MeshState shop(HTTPRoute routes) {
    return shop(routes, Map.of());
  }

  private static MeshState shop(HTTPRoute routes, Map<String, String> canaryBehaviour) {
    // Through YAML, as the object reaches the mesh from the API server.
    HTTPRoute written = Serialization.unmarshal(Serialization.asYaml(routes), HTTPRoute.class);
    return MeshFixture.cartWithCanary(canaryBehaviour).httpRoute(written).state();
  }

  private static PolicyRef policy(MatchType type, String value) {
    return new PolicyRef("shop", "cart-release", null, new ServiceSpec("cart", null, 8080, null, null, null, "5s"),
        new TestRoute("X-Canary", new TestRoute.HeaderMatch(type, value), "2m", null, null), RouterKind.GATEWAY_API);
  }

  @ParameterizedTest(name = "{0} {1}: header {2} reaches the canary")
  @CsvSource({
      "EXACT,  always,   always",
      "PREFIX, tester.,  tester.17",
      "REGEX,  'always|yes', yes",
  })
  void testHeaderRequestsReachTheCanaryAndTheRestSplitsByWeight(MatchType type, String value, String sent) {
    PolicyRef policy = policy(type, value);
    MeshState state = shop(HttpRouteDesign.httpRoute(policy, new Routes(20, true)));
    ReleaseRouteChecks.assertTestHeaderReachesCanaryAndRestSplitsByWeight(state, sent);
  }

  @ParameterizedTest(name = "canary weight {0}")
  @CsvSource({"0", "100"})
  void aZeroWeightBackendNeverReceivesTraffic(int canaryWeight) {
    MeshState state = shop(HttpRouteDesign.httpRoute(policy(MatchType.EXACT, "always"),
        new Routes(canaryWeight, false)));
    ReleaseRouteChecks.assertZeroWeightSideNeverReceivesTraffic(state, canaryWeight);
  }

  @Test
  void whileMirroringACopyOfTheShareReachesTheCanaryAndNoCallerIsServedByIt() {
    MeshState state = shop(HttpRouteDesign.httpRoute(policy(MatchType.EXACT, "always"), new Routes(0, true, 40)),
        Map.of(Behaviour.ERROR_RATE, "1"));
    ReleaseRouteChecks.assertMirrorCopiesItsShareToTheCanaryAndServesNoCallerFromIt(state);
  }
}
