package io.keelson.mesh;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keelson.release.api.MatchType;
import io.keelson.release.api.ServiceSpec;
import io.keelson.release.api.TestRoute;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.RouteDesign;
import io.keelson.release.traffic.Routes;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The mesh reads the VirtualService the release controller writes as Istio would. */
class ReleaseRoutesTest {

  private static MeshState shop(VirtualService routes) {
    return shop(routes, Map.of());
  }

  private static MeshState shop(VirtualService routes, Map<String, String> canaryBehaviour) {
    // Through YAML, as the object reaches the mesh from the API server.
    VirtualService written = Serialization.unmarshal(Serialization.asYaml(routes), VirtualService.class);
    return MeshFixture.cartWithCanary(canaryBehaviour).virtualService(written).state();
  }

  private static PolicyRef policy(MatchType type, String value) {
    return new PolicyRef("shop", "cart-release", null, new ServiceSpec("cart", null, 8080, null, null, null, "5s"),
        new TestRoute("X-Canary", new TestRoute.HeaderMatch(type, value), "2m", null, null));
  }

  @ParameterizedTest(name = "{0} {1}: header {2} reaches the canary")
  @CsvSource({
      "EXACT,  always,   always",
      "PREFIX, tester-,  tester-17",
      "REGEX,  'always|yes', yes",
  })
  void testHeaderRequestsReachTheCanaryAndTheRestSplitsByWeight(MatchType type, String value, String sent) {
    PolicyRef policy = policy(type, value);
    MeshState state = shop(RouteDesign.virtualService(policy, new Routes(20, true)));
    ReleaseRouteChecks.assertTestHeaderReachesCanaryAndRestSplitsByWeight(state, sent);
  }

  @ParameterizedTest(name = "canary weight {0}")
  @CsvSource({"0", "100"})
  void aZeroWeightDestinationNeverReceivesTraffic(int canaryWeight) {
    MeshState state = shop(RouteDesign.virtualService(policy(MatchType.EXACT, "always"),
        new Routes(canaryWeight, false)));
    ReleaseRouteChecks.assertZeroWeightSideNeverReceivesTraffic(state, canaryWeight);
  }

  @Test
  void whileMirroringACopyOfTheShareReachesTheCanaryAndNoCallerIsServedByIt() {
    MeshState state = shop(RouteDesign.virtualService(policy(MatchType.EXACT, "always"), new Routes(0, true, 40)),
        Map.of(Behaviour.ERROR_RATE, "1"));
    ReleaseRouteChecks.assertMirrorCopiesItsShareToTheCanaryAndServesNoCallerFromIt(state);
  }
}
