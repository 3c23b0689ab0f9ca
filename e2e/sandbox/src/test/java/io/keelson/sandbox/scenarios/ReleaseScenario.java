package io.keelson.sandbox.scenarios;

import io.keelson.release.api.RouterKind;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A release scenario, run once per router: Istio's VirtualService, then Gateway API's HTTPRoute (the agent's
 * default router, so the same cart policy is routed by either). One router alone:
 * {@code -Dkeelson.scenario.routers=gateway-api}.
 */
@ParameterizedClass(name = "router {0}")
@EnumSource(RouterKind.class)
abstract class ReleaseScenario extends ShopScenario {

  /** The router this run releases through. */
  @Parameter RouterKind router;

  @BeforeParameterizedClassInvocation
  static void givenTheShopReleasingThrough(RouterKind router) {
    Assumptions.assumeTrue(selected(router), "router " + router + " not selected");
    givenTheShopRunningItsStableCart(router);
  }

  @AfterParameterizedClassInvocation
  static void stopTheShop() {
    stopTheSandbox();
  }

  /** Whether {@code keelson.scenario.routers} (comma-separated; absent = all) names this router. */
  private static boolean selected(RouterKind router) {
    String routers = System.getProperty("keelson.scenario.routers", "");
    return routers.isBlank() || Arrays.asList(routers.split(",")).contains(router.value());
  }
}
