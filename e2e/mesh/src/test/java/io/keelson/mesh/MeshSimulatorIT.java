package io.keelson.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keelson.release.analysis.AnalysisQueries;
import io.keelson.release.analysis.QueryResult;
import io.keelson.release.prometheus.PrometheusProvider;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.PrometheusExtension;
import io.keelson.testkit.PrometheusServer;
import io.keelson.testkit.TestNamespace;
import io.keelson.testkit.Waiter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The simulator against a real API server, with real HTTP requests and a real Prometheus scraping it. */
@ControlPlaneTest(crds = "crds/istio-networking.yaml", gatewayApi = true)
@ExtendWith(PrometheusExtension.class)
class MeshSimulatorIT {

  private static final Logger LOG = LoggerFactory.getLogger(MeshSimulatorIT.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long WINDOW_SECONDS = 10;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void routesRealRequestsByTheClustersVirtualServiceAndFollowsItsChanges(KubernetesClient client,
      TestNamespace namespace) throws Exception {
    String ns = namespace.name();
    shop(client, ns);
    IstioClient istio = client.adapt(IstioClient.class);
    istio.v1().destinationRules().inNamespace(ns).resource(yaml(DestinationRule.class, """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: cart}
        spec:
          host: cart
          subsets: [{name: stable, labels: {version: v1}}]
        """)).create();
    istio.v1().virtualServices().inNamespace(ns).resource(routes(0)).create();

    try (MeshSimulator mesh = MeshSimulator.start(client, MeshOptions.defaults().withSeed(1))) {
      JsonNode plain = get(mesh, "cart." + ns, Map.of()).body;
      assertThat(plain.path("pod").asText()).isEqualTo("cart-7c9d5-abcde");
      assertThat(plain.path("workload").asText()).isEqualTo("cart");
      assertThat(plain.path("version").asText()).isEqualTo("v1");
      assertThat(plain.path("subset").asText()).isEqualTo("stable");
      assertThat(plain.path("virtualService").asText()).isEqualTo(ns + "/cart");

      Answer tested = get(mesh, "cart." + ns + ":8080", Map.of("X-Canary", "yes"));
      assertThat(tested.body.path("pod").asText()).isEqualTo("cart-canary-5f6b7-fghij");
      assertThat(tested.body.path("route").asInt()).isZero();
      assertThat(tested.status).isIn(200, 500);

      Answer nowhere = get(mesh, "payments." + ns, Map.of());
      assertThat(nowhere.status).isEqualTo(404);
      assertThat(nowhere.body.path("responseFlags").asText()).isEqualTo("NR");

      // All traffic to the canary: the next requests follow within seconds.
      Instant changed = Instant.now();
      istio.v1().virtualServices().inNamespace(ns).resource(routes(100)).update();
      awaitAnswer("the VirtualService change reaches the routing", mesh, "cart." + ns,
          answer -> answer.body.path("pod").asText().startsWith("cart-canary"));
      // Reported for the record, never asserted: the deadline is the test.
      LOG.info("a VirtualService change took {} ms to reach the routing",
          Duration.between(changed, Instant.now()).toMillis());

      // The canary's pod stops being ready: no healthy upstream.
      Pod canary = client.pods().inNamespace(ns).withName("cart-canary-5f6b7-fghij").get();
      canary.getStatus().getConditions().get(0).setStatus("False");
      client.resource(canary).updateStatus();
      Answer down = awaitAnswer("no healthy upstream", mesh, "cart." + ns, answer -> answer.status == 503);
      assertThat(down.body.path("responseFlags").asText()).isEqualTo("UH");
    }
  }

  @Test
  void anHttpRouteAttachedToTheServiceRoutesItsMeshTrafficBeforeAnyVirtualService(KubernetesClient client,
      TestNamespace namespace) throws Exception {
    String ns = namespace.name();
    shop(client, ns);
    client.adapt(IstioClient.class).v1().virtualServices().inNamespace(ns).resource(routes(0)).create();
    HTTPRoute route = client.resource(httpRoute(ns, 0)).create();
    assertThat(route.getMetadata().getCreationTimestamp()).isNotNull();

    try (MeshSimulator mesh = MeshSimulator.start(client, MeshOptions.defaults().withSeed(3))) {
      Answer plain = get(mesh, "cart." + ns, Map.of());
      assertThat(plain.body.path("pod").asText()).isEqualTo("cart-7c9d5-abcde");
      assertThat(plain.body.path("virtualService").asText()).as("the routing object").isEqualTo(ns + "/cart-gamma");

      // The header rule comes last in the list and still wins: it is the more specific match.
      Answer tested = get(mesh, "cart." + ns, Map.of("X-Canary", "yes"));
      assertThat(tested.body.path("pod").asText()).isEqualTo("cart-canary-5f6b7-fghij");
      assertThat(tested.body.path("route").asInt()).isEqualTo(1);

      client.resource(httpRoute(ns, 100)).forceConflicts().serverSideApply();
      Answer moved = awaitAnswer("the HTTPRoute change reaches the routing", mesh, "cart." + ns,
          answer -> answer.body.path("pod").asText().startsWith("cart-canary"));
      assertThat(moved.body.path("pod").asText()).isEqualTo("cart-canary-5f6b7-fghij");
    }
  }

  @Test
  void prometheusAnswersTheReleaseControllersQueriesFromTheSimulatorsTelemetry(KubernetesClient client,
      TestNamespace namespace, PrometheusServer prometheus) throws Exception {
    String ns = namespace.name();
    shop(client, ns);
    List<TrafficSource> traffic = List.of(
        new TrafficSource("cart", 200, Map.of(), "frontend", ns),
        new TrafficSource("cart-canary." + ns, 200, Map.of(), "frontend", ns),
        new TrafficSource("payments." + ns, 5, Map.of(), "frontend", ns));

    try (MeshSimulator mesh = MeshSimulator.start(client, MeshOptions.defaults().withSeed(2).withTraffic(traffic))) {
      prometheus.addTarget("mesh-" + ns, mesh.metricsTarget(), Map.of());
      PrometheusProvider provider = new PrometheusProvider(prometheus.url(), PrometheusProvider.Options.defaults());

      // Wait until a whole window of traffic has been scraped.
      Waiter.await("a whole window of canary requests scraped", Duration.ofSeconds(90), Duration.ofSeconds(1), () -> {
        QueryResult count = provider.query(AnalysisQueries.requestCount(ns, "cart-canary", WINDOW_SECONDS),
            Instant.now());
        double requests = count instanceof QueryResult.Value value ? value.value() : 0;
        return requests >= 150.0 * WINDOW_SECONDS ? Boolean.TRUE : null;
      }, () -> null);

      Instant at = Instant.now();
      double canaryErrors = value(provider.query(AnalysisQueries.errorRate(ns, "cart-canary", WINDOW_SECONDS), at));
      double stableErrors = value(provider.query(AnalysisQueries.errorRate(ns, "cart", WINDOW_SECONDS), at));
      double stableP50 = value(provider.query(AnalysisQueries.latency(ns, "cart", 0.5, WINDOW_SECONDS), at));
      double canaryP99 = value(provider.query(AnalysisQueries.latency(ns, "cart-canary", 0.99, WINDOW_SECONDS), at));
      LOG.info("over {}s: canary error rate {}, stable error rate {}, stable p50 {} ms, canary p99 {} ms; "
          + "{} requests sent", WINDOW_SECONDS, canaryErrors, stableErrors, stableP50, canaryP99,
          mesh.load().requestsSent());
      assertThat(canaryErrors).isCloseTo(0.5, within(0.06));
      assertThat(stableErrors).isZero();
      // 5 ms typical latency: the median lies in Istio's (1, 10] ms buckets; the canary's 40 ms within (25, 250].
      assertThat(stableP50).isBetween(1.0, 10.0);
      assertThat(canaryP99).isBetween(25.0, 250.0);

      // Istio's labels, and the source proxy's report of a request that found no route.
      assertThat(prometheus.query("istio_requests_total{reporter=\"destination\", source_workload=\"frontend\", "
          + "source_workload_namespace=\"" + ns + "\", destination_workload=\"cart-canary\", "
          + "destination_app=\"cart-canary\", destination_version=\"v2\", destination_service=\"cart-canary." + ns
          + ".svc.cluster.local\", destination_service_name=\"cart-canary\", destination_service_namespace=\""
          + ns + "\", response_code=\"500\", response_flags=\"-\", request_protocol=\"http\", "
          + "connection_security_policy=\"mutual_tls\"}")).hasSize(1);
      assertThat(prometheus.query("istio_requests_total{reporter=\"source\", destination_service=\"payments." + ns
          + "\", response_code=\"404\", response_flags=\"NR\"} > 0")).hasSize(1);
    }
  }

  private static double value(QueryResult result) {
    assertThat(result).isInstanceOf(QueryResult.Value.class);
    return ((QueryResult.Value) result).value();
  }

  /** cart (v1, healthy) and cart-canary (v2, every other request fails, 40 ms): Services and ready pods. */
  private static void shop(KubernetesClient client, String ns) {
    service(client, ns, "cart");
    service(client, ns, "cart-canary");
    readyPod(client, ns, "cart-7c9d5-abcde", "cart", "7c9d5", "v1", Map.of());
    readyPod(client, ns, "cart-canary-5f6b7-fghij", "cart-canary", "5f6b7", "v2",
        Map.of(Behaviour.ERROR_RATE, "0.5", Behaviour.LATENCY_MS, "40"));
  }

  private static void service(KubernetesClient client, String ns, String name) {
    client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withSelector(Map.of("app", name)).addNewPort().withPort(8080).endPort().endSpec().build())
        .create();
  }

  /** A Deployment's pod, made Running and Ready through the status subresource, as a kubelet would. */
  private static void readyPod(KubernetesClient client, String ns, String name, String app, String hash,
      String version, Map<String, String> annotations) {
    Pod pod = client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(name)
        .withLabels(Map.of("app", app, "version", version, "pod-template-hash", hash)).withAnnotations(annotations)
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName(app + "-" + hash)
        .withUid("00000000-0000-0000-0000-" + "0".repeat(7) + hash).withController(true).endOwnerReference()
        .endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("registry.example/" + app).endContainer()
        .endSpec().build()).create();
    pod.setStatus(new PodBuilder().withNewStatus().withPhase("Running").addNewCondition().withType("Ready")
        .withStatus("True").endCondition().endStatus().build().getStatus());
    client.resource(pod).updateStatus();
  }

  /** Test header to the canary first, then the stable subset and the canary by weight. */
  private static VirtualService routes(int canaryWeight) {
    return yaml(VirtualService.class, """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: cart}
        spec:
          hosts: [cart]
          http:
            - match: [{headers: {x-canary: {exact: "yes"}}}]
              route: [{destination: {host: cart-canary}}]
            - route:
                - {destination: {host: cart, subset: stable}, weight: %d}
                - {destination: {host: cart-canary}, weight: %d}
        """.formatted(100 - canaryWeight, canaryWeight));
  }

  /** Attached to the Service cart: stable and canary by weight first, the test header rule after it. */
  private static HTTPRoute httpRoute(String ns, int canaryWeight) {
    return yaml(HTTPRoute.class, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: cart-gamma, namespace: %s}
        spec:
          parentRefs: [{group: "", kind: Service, name: cart}]
          rules:
            - backendRefs:
                - {name: cart, port: 8080, weight: %d}
                - {name: cart-canary, port: 8080, weight: %d}
            - matches: [{headers: [{name: x-canary, value: "yes"}]}]
              backendRefs: [{name: cart-canary, port: 8080}]
        """.formatted(ns, 100 - canaryWeight, canaryWeight));
  }

  private static <T> T yaml(Class<T> type, String yaml) {
    return Serialization.unmarshal(yaml, type);
  }

  private record Answer(int status, JsonNode body) {}

  private Answer get(MeshSimulator mesh, String host, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(mesh.ingressUrl().resolve("/items?page=1"))
        .timeout(Duration.ofSeconds(5)).header("X-Keelson-Host", host);
    headers.forEach(request::header);
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), JSON.readTree(response.body()));
  }

  /** The first answer from {@code host} that {@code expected} accepts; the deadline is slack for a loaded machine. */
  private Answer awaitAnswer(String what, MeshSimulator mesh, String host, Predicate<Answer> expected) {
    return Waiter.await(what, Duration.ofSeconds(30), Duration.ofMillis(50), () -> {
      try {
        Answer answer = get(mesh, host, Map.of());
        return expected.test(answer) ? answer : null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }, () -> null);
  }
}
