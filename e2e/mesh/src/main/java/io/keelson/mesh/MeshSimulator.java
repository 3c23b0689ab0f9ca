package io.keelson.mesh;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

/**
 * Stands in for Istio's data plane where Envoy cannot run: routes requests by the cluster's VirtualServices
 * and DestinationRules to the ready pods of Services, answers as the pods' {@code simulator.keelson.io/*}
 * annotations say, and exports Istio's standard metrics for Prometheus to scrape.
 *
 * <p>Requests come from the HTTP ingress ({@link #ingressUrl()}) and from the {@link #load() load generator}.
 */
public final class MeshSimulator implements AutoCloseable {

  private final MeshWatcher watcher;
  private final DataPlane plane;
  private final Ingress ingress;
  private final MetricsEndpoint metrics;
  private final LoadGenerator load;

  private MeshSimulator(MeshWatcher watcher, DataPlane plane, Ingress ingress, MetricsEndpoint metrics,
      LoadGenerator load) {
    this.watcher = watcher;
    this.plane = plane;
    this.ingress = ingress;
    this.metrics = metrics;
    this.load = load;
  }

  /** Starts the informers (synced before this returns), the metrics endpoint, the ingress and any traffic. */
  public static MeshSimulator start(KubernetesClient client, MeshOptions options) {
    MeshWatcher watcher = MeshWatcher.start(client);
    Telemetry telemetry = new Telemetry();
    // java.util.Random is safe to share between the ingress threads and the load generator.
    DataPlane plane = new DataPlane(watcher::current, new Random(options.seed()), telemetry);
    MetricsEndpoint metrics = null;
    try {
      metrics = new MetricsEndpoint(options.metricsPort(), telemetry.registry());
      Ingress ingress = new Ingress(options.ingressPort(), plane);
      LoadGenerator load = new LoadGenerator(plane);
      load.setSources(options.traffic());
      if (!options.traffic().isEmpty()) {
        load.start();
      }
      return new MeshSimulator(watcher, plane, ingress, metrics, load);
    } catch (RuntimeException e) {
      if (metrics != null) {
        metrics.close();
      }
      watcher.close();
      throw e;
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI ingressUrl() {
    return URI.create("http://127.0.0.1:" + ingress.port());
  }

  /** {@code 127.0.0.1:<port>}; Prometheus scrapes {@code <target>/metrics}. */
  public String metricsTarget() {
    return "127.0.0.1:" + metrics.port();
  }

  public LoadGenerator load() {
    return load;
  }

  /** Who answered the mesh's callers, and who answered mirrored copies. */
  public Answers answers() {
    return plane.answers();
  }

  /** Where the mesh would send {@code request} now; records nothing. */
  public RouteDecision route(MeshRequest request) {
    return plane.route(request);
  }

  /** How many times the mesh configuration has been rebuilt; moves after every change seen. */
  public long configGeneration() {
    return watcher.generation();
  }

  @Override
  public void close() {
    load.close();
    ingress.close();
    metrics.close();
    watcher.close();
  }

  /**
   * Runs the simulator against the cluster of the current kubeconfig until the process is stopped. Options:
   * {@code --ingress-port=N}, {@code --metrics-port=N}, {@code --seed=N}.
   */
  public static void main(String[] args) throws InterruptedException {
    MeshOptions options = MeshOptions.defaults();
    for (String arg : args) {
      String[] pair = arg.split("=", 2);
      long value = pair.length == 2 ? Long.parseLong(pair[1]) : -1;
      switch (pair[0]) {
        case "--ingress-port" -> options = options.withPorts((int) value, options.metricsPort());
        case "--metrics-port" -> options = options.withPorts(options.ingressPort(), (int) value);
        case "--seed" -> options = options.withSeed(value);
        default -> throw new IllegalArgumentException("unknown option " + arg
            + "; known: --ingress-port=N --metrics-port=N --seed=N");
      }
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    MeshSimulator simulator = start(client, options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      simulator.close();
      client.close();
      stopped.countDown();
    }));
    System.out.println("ingress " + simulator.ingressUrl() + " metrics http://" + simulator.metricsTarget()
        + "/metrics");
    stopped.await();
  }
}
