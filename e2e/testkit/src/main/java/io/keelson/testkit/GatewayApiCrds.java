package io.keelson.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the Gateway API's CRDs come from: {@code KEELSON_GATEWAY_API_CRDS} when set (a file of CRDs, for a
 * machine without Go), else the project's own cached copy of the pinned release (fetched by
 * {@code e2e/bin/gateway-api} when missing).
 */
public final class GatewayApiCrds {

  private GatewayApiCrds() {}

  public static Path locate() {
    String configured = System.getenv("KEELSON_GATEWAY_API_CRDS");
    Path file = configured != null && !configured.isBlank() ? Path.of(configured)
        : Path.of(ProjectTools.run("gateway-api"));
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("no Gateway API CRD file at " + file
          + " (run e2e/bin/gateway-api, or set KEELSON_GATEWAY_API_CRDS)");
    }
    return file;
  }
}
