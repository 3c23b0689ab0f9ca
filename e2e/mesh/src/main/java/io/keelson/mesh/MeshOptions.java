package io.keelson.mesh;

import java.security.SecureRandom;
import java.util.List;

/**
 * How to run the simulator.
 *
 * @param ingressPort port of the HTTP ingress on 127.0.0.1; 0 for a free one
 * @param metricsPort port of {@code /metrics} on 127.0.0.1; 0 for a free one
 * @param traffic load started with the simulator; empty for none
 * @param seed seed of every random choice (weights, endpoints, errors, latencies)
 */
public record MeshOptions(int ingressPort, int metricsPort, List<TrafficSource> traffic, long seed) {

  public MeshOptions {
    traffic = traffic == null ? List.of() : List.copyOf(traffic);
    if (ingressPort < 0 || ingressPort > 65535 || metricsPort < 0 || metricsPort > 65535) {
      throw new IllegalArgumentException("ports must be within 0..65535, not " + ingressPort + " and " + metricsPort);
    }
  }

  /** Free ports, no traffic, a random seed. */
  public static MeshOptions defaults() {
    return new MeshOptions(0, 0, List.of(), new SecureRandom().nextLong());
  }

  public MeshOptions withTraffic(List<TrafficSource> traffic) {
    return new MeshOptions(ingressPort, metricsPort, traffic, seed);
  }

  public MeshOptions withSeed(long seed) {
    return new MeshOptions(ingressPort, metricsPort, traffic, seed);
  }

  public MeshOptions withPorts(int ingressPort, int metricsPort) {
    return new MeshOptions(ingressPort, metricsPort, traffic, seed);
  }
}
