package io.keelson.sandbox;

import io.keelson.release.api.RouterKind;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a sandbox is made of.
 *
 * @param directory holds the config repository (kept across restarts) and the agent's files and logs
 * @param agentPort the agent's status port (0: any free port)
 * @param pollInterval how often the agent polls the repository (commits also trigger its webhook)
 * @param scrapeInterval Prometheus's scrape interval for the mesh simulator and the agent
 * @param requestsPerSecond steady load per application Service
 * @param testRequestsPerSecond load carrying a release policy's test header, per released Service
 * @param nodes fake nodes that run the pods
 * @param router the agent's default router: releases route through Istio's VirtualService or Gateway API's
 *     HTTPRoute (both sets of CRDs are installed either way)
 */
public record SandboxOptions(Path directory, int agentPort, Duration pollInterval, Duration scrapeInterval,
    double requestsPerSecond, double testRequestsPerSecond, int nodes, RouterKind router) {

  /** The interactive sandbox: easy to watch, quick enough to see a whole release in a few minutes. */
  public static SandboxOptions interactive(Path directory) {
    return new SandboxOptions(directory, 8080, Duration.ofSeconds(10), Duration.ofSeconds(2), 20, 4, 2,
        RouterKind.ISTIO);
  }

  /** End-to-end scenarios: faster scrapes and more load so short analysis windows have enough samples. */
  public static SandboxOptions forScenarios(Path directory) {
    return new SandboxOptions(directory, 0, Duration.ofSeconds(5), Duration.ofSeconds(1), 40, 10, 2,
        RouterKind.ISTIO);
  }

  public SandboxOptions withRouter(RouterKind value) {
    return new SandboxOptions(directory, agentPort, pollInterval, scrapeInterval, requestsPerSecond,
        testRequestsPerSecond, nodes, value);
  }
}
