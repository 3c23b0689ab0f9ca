package io.keelson.bench;

import static io.keelson.bench.Measurement.figure;
import static io.keelson.bench.Measurement.judged;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.release.api.Evidence;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.RouterKind;
import io.keelson.release.api.Verdict;
import io.keelson.release.gatewayapi.GatewayApiRouter;
import io.keelson.release.istio.IstioRouter;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.Routes;
import io.keelson.release.traffic.TrafficRouter;
import io.keelson.testkit.Cluster;
import io.keelson.testkit.GitDaemon;
import io.keelson.testkit.Waiter;
import io.keelson.testkit.LoopbackExporter;
import io.keelson.testkit.PrometheusServer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Section 5: a real release on a cluster that runs pods (kwok fake nodes), analysed by the agent's release
 * controller against a real Prometheus that scrapes an exporter of Istio's request counter. Once the canary
 * has production weight, its responses turn to 503; the figure is the time from that moment to the
 * VirtualService giving the canary weight 0.
 */
final class RollbackBenchmark {

  static final Duration ANALYSIS_INTERVAL = Duration.ofSeconds(5);
  static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);
  static final int FAILURE_THRESHOLD = 1;
  private static final String NAMESPACE = "rollout";
  private static final String APP = "web";
  private static final String CANARY = APP + "-canary";
  /** Requests per workload every 100 ms: 20 per second each. */
  private static final int REQUESTS_PER_TICK = 2;
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  private final Report report;
  private final Path workDir;
  private final AtomicBoolean canaryFailing = new AtomicBoolean();

  RollbackBenchmark(Report report, Path workDir) {
    this.report = report;
    this.workDir = workDir;
  }

  /** Once per router: the same release, routed by a VirtualService, then by an HTTPRoute. */
  void run() {
    report.define(Section.ROLLBACK, "a ReleasePolicy (steps 20/50/80 %, analysis interval "
        + ANALYSIS_INTERVAL.toSeconds() + " s, error-rate check max 5 %, failureThreshold " + FAILURE_THRESHOLD
        + ") on a cluster with kube-controller-manager, kube-scheduler and a kwok node, so the canary really"
        + " becomes ready; Prometheus scrapes every " + SCRAPE_INTERVAL.toSeconds() + " s an exporter of"
        + " istio_requests_total (reporter=destination, 20 requests/s to each of stable and canary); the release"
        + " controller ticks each release when its analysis falls due and on watch events. When"
        + " the canary first has weight, its"
        + " responses turn to 503 (the breach); measured until the routing object (the VirtualService, or the"
        + " HTTPRoute for router gateway-api) gives it weight 0, read as the data plane reads it (polled every"
        + " 20 ms). The breach comes at the start of a step, the worst case: analysis runs at the step's end.");
    for (RouterKind router : RouterKind.values()) {
      run(router);
    }
  }

  private void run(RouterKind routerKind) {
    System.out.printf("%n== rollback (router %s)%n", routerKind);
    Path dir = workDir.resolve("rollback-" + routerKind.value());
    createDirectories(dir.resolve("git"));
    try (Cluster cluster = Cluster.start(1);
        PrometheusServer prometheus = PrometheusServer.start(SCRAPE_INTERVAL);
        Traffic traffic = new Traffic();
        GitDaemon git = GitDaemon.serve(dir.resolve("git"))) {
      KubernetesClient client = cluster.client();
      cluster.controlPlane().installCrds("crds/istio-networking.yaml");
      cluster.controlPlane().installGatewayApiCrds();
      cluster.controlPlane().installCrds("crds/releasepolicies.keelson.io.yaml");
      BenchAgent.createNamespace(client);
      prometheus.addTarget("istio", traffic.exporter.target(), Map.of());

      BenchRepo repo = BenchRepo.create(dir.resolve("git").resolve("rollout"));
      String stable = repo.commit(release("1.0", routerKind), "web 1.0 under a release policy");
      BenchAgent.Settings settings = new BenchAgent.Settings("keelson-rollback", "rollout",
          cluster.controlPlane().kubeconfigFile(), git.url("rollout"), Duration.ofHours(1),
          new BenchAgent.Releases(prometheus.url()));
      try (BenchAgent agent = BenchAgent.start(settings, dir.resolve("agents"))) {
        agent.awaitApplied(stable, TIMEOUT);
        awaitRelease(client, "the policy idle on its stable version",
            s -> s.getPhase() == ReleasePhase.Idle && s.getStable() != null);
        String candidate = repo.commit(release("2.0", routerKind), "web 2.0");
        agent.webhook();
        agent.awaitApplied(candidate, TIMEOUT);
        awaitRelease(client, "the canary at its first weight",
            s -> s.getPhase() == ReleasePhase.Progressing && s.getCanaryWeight() != null && s.getCanaryWeight() > 0);

        canaryFailing.set(true);
        long breach = System.nanoTime();
        PolicyRef policy = PolicyRef.of(client.resources(ReleasePolicy.class).inNamespace(NAMESPACE).withName(APP)
            .get());
        TrafficRouter router = routerKind == RouterKind.GATEWAY_API ? new GatewayApiRouter(client)
            : new IstioRouter(client);
        Waiter.await("the canary's weight back to 0", TIMEOUT, Duration.ofMillis(20),
            () -> router.current(policy).filter(Routes::allStable).orElse(null), () -> null);
        double seconds = (System.nanoTime() - breach) / 1e9;
        ReleasePolicyStatus failed = awaitRelease(client, "the release failed",
            s -> s.getPhase() == ReleasePhase.Failed);

        String key = routerKind == RouterKind.ISTIO ? "rollback.seconds" : "rollback." + routerKind.value() + ".seconds";
        report.add(judged(Section.ROLLBACK, key, "breach → canary weight 0, router " + routerKind + " (interval "
            + ANALYSIS_INTERVAL.toSeconds() + " s, threshold " + FAILURE_THRESHOLD + ", scrape "
            + SCRAPE_INTERVAL.toSeconds() + " s)", seconds, "s",
            "≤ 1 analysis interval + 1 scrape (" + ANALYSIS_INTERVAL.plus(SCRAPE_INTERVAL).toSeconds() + " s)",
            seconds <= ANALYSIS_INTERVAL.plus(SCRAPE_INTERVAL).toSeconds()));
        report.add(figure(Section.ROLLBACK, key.replace(".seconds", ".analysis-lag.seconds"),
            "the failing analysis ran after its window's end by, router " + routerKind, analysisLag(failed), "s"));
        if (routerKind == RouterKind.ISTIO) {
          report.add(figure(Section.ROLLBACK, "rollback.analysis-interval", "analysis interval",
              ANALYSIS_INTERVAL.toSeconds(), "s"));
        }
        System.out.println("  release ended " + failed.getPhase() + ": " + failed.getReason());
      }
    }
  }

  /** How long after the step's window ended (its start + one interval) the failing analysis ran. */
  private static double analysisLag(ReleasePolicyStatus failed) {
    Evidence fail = failed.getEvidence().stream().filter(e -> e.verdict() == Verdict.FAIL).findFirst().orElseThrow();
    Instant due = Instant.parse(fail.windowStart()).plus(ANALYSIS_INTERVAL);
    return Duration.between(due, Instant.parse(fail.windowEnd())).toMillis() / 1e3;
  }

  static void createDirectories(Path dir) {
    try {
      java.nio.file.Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create " + dir, e);
    }
  }

  private static ReleasePolicyStatus awaitRelease(KubernetesClient client, String what,
      Predicate<ReleasePolicyStatus> condition) {
    return Waiter.await(what, TIMEOUT, Duration.ofMillis(100), () -> {
      ReleasePolicy policy = client.resources(ReleasePolicy.class).inNamespace(NAMESPACE).withName(APP).get();
      ReleasePolicyStatus status = policy == null || policy.getStatus() == null ? null : policy.getStatus();
      return status != null && condition.test(status) ? status : null;
    }, () -> null);
  }

  /** The namespace, Deployment, Service and ReleasePolicy, with the pod template at {@code version}. */
  private static Map<String, String> release(String version, RouterKind router) {
    return Map.of("rollout.yaml", """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %1$s
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %2$s
          namespace: %1$s
        spec:
          replicas: 2
          selector:
            matchLabels: {app: %2$s}
          template:
            metadata:
              labels: {app: %2$s}
            spec:
              containers:
                - name: %2$s
                  image: registry.invalid/bench/%2$s:%3$s
                  ports: [{containerPort: 8080}]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: %2$s
          namespace: %1$s
        spec:
          selector: {app: %2$s}
          ports: [{name: http, port: 80, targetPort: 8080}]
        ---
        apiVersion: keelson.io/v1alpha1
        kind: ReleasePolicy
        metadata:
          name: %2$s
          namespace: %1$s
        spec:
          targetRef: {name: %2$s}
          router: %6$s
          service: {name: %2$s, port: 80}
          steps:
            weights: [20, 50, 80]
            interval: %4$ds
          checks:
            - name: errors
              minRequests: 10
              errorRate: {max: 0.05}
          failureThreshold: %5$d
          inconclusiveBudget: 20s
          progressDeadline: 120s
        """.formatted(NAMESPACE, APP, version, ANALYSIS_INTERVAL.toSeconds(), FAILURE_THRESHOLD, router.value()));
  }

  /**
   * Istio's request counter as the destination proxies of stable and canary would report it, fed at a
   * steady rate; the canary answers 503 once {@link #canaryFailing} is set.
   */
  private final class Traffic implements AutoCloseable {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("istio_requests_total").help("requests")
        .labelNames("reporter", "destination_workload", "destination_workload_namespace", "response_code")
        .register(registry);
    private final LoopbackExporter exporter = LoopbackExporter.start(registry);
    private final ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();

    Traffic() {
      // Every series exists at 0 first, as Istio's would, so increase() counts the first 503s.
      for (String workload : List.of(APP, CANARY)) {
        for (String code : List.of("200", "503")) {
          requests.labelValues("destination", workload, NAMESPACE, code).inc(0);
        }
      }
      feeder.scheduleAtFixedRate(() -> {
        requests.labelValues("destination", APP, NAMESPACE, "200").inc(REQUESTS_PER_TICK);
        requests.labelValues("destination", CANARY, NAMESPACE, canaryFailing.get() ? "503" : "200")
            .inc(REQUESTS_PER_TICK);
      }, 0, 100, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      feeder.shutdownNow();
      exporter.close();
    }
  }
}
