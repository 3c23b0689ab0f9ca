package io.keelson.testkit;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A control plane that really runs workloads: etcd and kube-apiserver ({@link ControlPlane}) plus
 * kube-controller-manager and kube-scheduler, and kwok playing the kubelet of fake nodes, so Deployments
 * roll out and their pods become Ready without containers. Everything listens on 127.0.0.1.
 */
public final class Cluster implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Cluster.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  /** The annotation kwok manages nodes by (kwok's own convention). */
  private static final String KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node";

  private final ControlPlane plane;

  private Cluster(ControlPlane plane) {
    this.plane = plane;
  }

  /** Starts a cluster with {@code nodes} fake nodes, ready when every node reports Ready. */
  public static Cluster start(int nodes) {
    ClusterBinaries binaries = ClusterBinaries.locate();
    long started = System.nanoTime();
    ControlPlane plane = ControlPlane.start(binaries.controlPlane());
    Cluster cluster = new Cluster(plane);
    try {
      cluster.startComponents(binaries);
      for (int i = 0; i < nodes; i++) {
        cluster.addNode("kwok-node-" + i);
      }
      cluster.awaitNodesReady(nodes);
      LOG.info("cluster with {} fake node(s) ready in {} ms", nodes, (System.nanoTime() - started) / 1_000_000);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void startComponents(ClusterBinaries binaries) {
    Path kubeconfig = plane.kubeconfigFile();
    Path certs = plane.workDir().resolve("certs");
    plane.supervise("kube-controller-manager", List.of(
        binaries.controllerManager().toString(),
        "--kubeconfig=" + kubeconfig,
        "--bind-address=127.0.0.1",
        "--secure-port=0",
        "--leader-elect=false",
        "--use-service-account-credentials=false",
        "--service-account-private-key-file=" + certs.resolve("sa.key"),
        "--root-ca-file=" + certs.resolve("ca.crt"),
        "--v=0"));
    plane.supervise("kube-scheduler", List.of(
        binaries.scheduler().toString(),
        "--kubeconfig=" + kubeconfig,
        "--bind-address=127.0.0.1",
        "--secure-port=0",
        "--leader-elect=false",
        "--v=0"));
    plane.supervise("kwok", List.of(
        binaries.kwok().toString(),
        "--kubeconfig=" + kubeconfig,
        "--config=" + binaries.kwokStages(),
        "--manage-all-nodes=false",
        "--manage-nodes-with-annotation-selector=" + KWOK_NODE_ANNOTATION + "=fake",
        "--manage-nodes-with-label-selector=",
        "--cidr=10.244.0.0/16",
        "--node-ip=127.0.0.1",
        "--node-lease-duration-seconds=40",
        "--server-address=127.0.0.1:" + LoopbackPorts.free()));
  }

  private void addNode(String name) {
    Map<String, Quantity> capacity = Map.of("cpu", new Quantity("32"), "memory", new Quantity("256Gi"),
        "pods", new Quantity("250"));
    Node node = new NodeBuilder()
        .withNewMetadata().withName(name)
        .addToAnnotations(KWOK_NODE_ANNOTATION, "fake")
        .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
        .addToLabels("kubernetes.io/hostname", name)
        .addToLabels("kubernetes.io/os", "linux")
        .addToLabels("kubernetes.io/arch", "amd64")
        .addToLabels("type", "kwok")
        .endMetadata()
        .withNewStatus().withCapacity(capacity).withAllocatable(capacity).endStatus()
        .build();
    plane.client().nodes().resource(node).create();
  }

  private void awaitNodesReady(int nodes) {
    KubernetesClient client = plane.client();
    Waiter.await(nodes + " fake node(s) Ready", START_TIMEOUT, Duration.ofMillis(200), () -> {
      long ready = client.nodes().list().getItems().stream().filter(Cluster::ready).count();
      return ready >= nodes ? Boolean.TRUE : null;
    }, this::componentExited);
  }

  private static boolean ready(Node node) {
    return node.getStatus() != null && node.getStatus().getConditions() != null
        && node.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private String componentExited() {
    return plane.exitedServer();
  }

  public ControlPlane controlPlane() {
    return plane;
  }

  public KubernetesClient client() {
    return plane.client();
  }

  @Override
  public void close() {
    plane.close();
  }
}
