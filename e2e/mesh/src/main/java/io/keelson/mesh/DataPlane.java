package io.keelson.mesh;

import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * One request through the simulated mesh: the routing decision on the current snapshot, the chosen pod's
 * answer, and the telemetry Istio would record. Callers decide whether to really wait the latency.
 */
final class DataPlane {

  /** What one request got: the decision, the status and how long it took. */
  record Exchange(MeshRequest request, RouteDecision decision, int status, double latencyMs) {}

  private final Supplier<MeshState> state;
  private final RandomGenerator random;
  private final Telemetry telemetry;

  DataPlane(Supplier<MeshState> state, RandomGenerator random, Telemetry telemetry) {
    this.state = state;
    this.random = random;
    this.telemetry = telemetry;
  }

  RouteDecision route(MeshRequest request) {
    return Router.route(state.get(), request, random);
  }

  /** Routes and answers a request, recording nothing yet. */
  Exchange exchange(MeshRequest request) {
    RouteDecision decision = route(request);
    if (!decision.routed()) {
      return new Exchange(request, decision, decision.failureStatus(), 0);
    }
    Behaviour.Response response = decision.endpoint().behaviour().respond(request, random);
    return new Exchange(request, decision, response.status(), response.latencyMs());
  }

  /** Records a finished exchange in Istio's metrics. */
  void record(Exchange exchange, Caller caller) {
    telemetry.record(caller, exchange.request(), exchange.decision(), exchange.status(), exchange.latencyMs());
  }
}
