package io.keelson.sandbox.scenarios;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given, for every scenario class: a sandbox of its own with the shop deployed and the stable cart serving.
 * A fresh sandbox per class keeps scenarios independent (one kills the agent, another stops Prometheus).
 */
abstract class ShopScenario {

  @TempDir static Path dir;
  static ShopSandbox shop;

  @BeforeAll
  static void givenTheShopRunningItsStableCart() {
    shop = ShopSandbox.start(dir);
    System.out.printf("sandbox up in %d ms%n", shop.startMillis());
  }

  @AfterAll
  static void stopTheSandbox() {
    if (shop != null) {
      shop.close();
      shop = null;
    }
  }
}
