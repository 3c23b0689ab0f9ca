package io.keelson.sandbox.scenarios;

import io.keelson.release.api.RouterKind;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given, for every scenario class: a sandbox of its own with the shop deployed and the stable cart serving. A
 * fresh sandbox per class keeps scenarios independent (one kills the agent, another stops Prometheus). Release
 * scenarios run once per router ({@link ReleaseScenario}); the others start the sandbox with the default.
 */
abstract class ShopScenario {

  @TempDir static Path dir;
  static ShopSandbox shop;

  static void givenTheShopRunningItsStableCart(RouterKind router) {
    shop = ShopSandbox.start(dir.resolve(router.value()), router);
    System.out.printf("sandbox (router %s) up in %d ms%n", router, shop.startMillis());
  }

  static void stopTheSandbox() {
    if (shop != null) {
      shop.close();
      shop = null;
    }
  }
}
