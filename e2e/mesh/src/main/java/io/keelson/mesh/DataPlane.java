package io.keelson.mesh;

import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * One request through the simulated mesh: the routing decision on the current snapshot, the chosen pod's
 * answer, the mirrored copy's answer (discarded), and the telemetry Istio would record. Callers decide whether
 * to really wait the latency.
 */
final class DataPlane {

  /**
   * What one request got: the decision, the status and how long it took; and its mirrored copy, if any.
   *
   * @param copy the copy the mirror's pod answered; null when the request was not copied or the copy found no pod
   */
  record Exchange(MeshRequest request, RouteDecision decision, int status, double latencyMs, Exchange copy) {

    Exchange(MeshRequest request, RouteDecision decision, int status, double latencyMs) {
      this(request, decision, status, latencyMs, null);
    }
  }

  private final Supplier<MeshState> state;
  private final RandomGenerator random;
  private final Telemetry telemetry;
  private final Answers answers = new Answers();

  DataPlane(Supplier<MeshState> state, RandomGenerator random, Telemetry telemetry) {
    this.state = state;
    this.random = random;
    this.telemetry = telemetry;
  }

  Answers answers() {
    return answers;
  }

  RouteDecision route(MeshRequest request) {
    return Router.route(state.get(), request, random);
  }

  /** Routes and answers a request, and its mirrored copy, recording nothing yet. */
  Exchange exchange(MeshRequest request) {
    RouteDecision decision = route(request);
    Exchange copy = copy(request, decision);
    if (!decision.routed()) {
      return new Exchange(request, decision, decision.failureStatus(), 0, copy);
    }
    Behaviour.Response response = decision.endpoint().behaviour().respond(request, random);
    return new Exchange(request, decision, response.status(), response.latencyMs(), copy);
  }

  /**
   * Records a finished exchange in Istio's metrics and in {@link #answers()}. A copy is reported by its pod's
   * sidecar alone (the caller's sidecar sends it outside the request's filter chain), with the caller as source
   * (its peer metadata travels in the copied headers) and the shadow authority as {@code destination_service}.
   */
  void record(Exchange exchange, Caller caller) {
    telemetry.record(caller, exchange.request(), exchange.decision(), exchange.status(), exchange.latencyMs());
    answers.served(exchange.decision());
    Exchange copy = exchange.copy();
    if (copy != null) {
      telemetry.record(caller, copy.request(), copy.decision(), copy.status(), copy.latencyMs());
      answers.mirrored(exchange.decision());
    }
  }

  /** The mirrored copy of {@code request}, answered by the mirror's pod; null when none is sent or none answers. */
  private Exchange copy(MeshRequest request, RouteDecision decision) {
    RouteDecision.Mirror mirror = decision.mirror();
    if (mirror == null || mirror.endpoint() == null) {
      return null;
    }
    MeshRequest shadow = Mirrors.shadow(request);
    RouteDecision toMirror = new RouteDecision(decision.virtualService(), decision.routeIndex(), decision.routeName(),
        null, null, mirror.endpoint(), RouteDecision.ROUTED);
    Behaviour.Response response = mirror.endpoint().behaviour().respond(shadow, random);
    return new Exchange(shadow, toMirror, response.status(), response.latencyMs());
  }
}
