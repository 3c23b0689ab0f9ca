package io.keelson.mesh;

import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteDestination;
import java.util.List;
import java.util.random.RandomGenerator;

/** Istio's weighted destinations: a lone destination without weight takes all; otherwise a missing weight is 0. */
final class Weights {

  private Weights() {}

  /** One destination, with probability weight/total; null when there is none or every weight is 0. */
  static HTTPRouteDestination pick(List<HTTPRouteDestination> destinations, RandomGenerator random) {
    if (destinations == null || destinations.isEmpty()) {
      return null;
    }
    if (destinations.size() == 1) {
      HTTPRouteDestination only = destinations.get(0);
      return only.getWeight() == null || only.getWeight() > 0 ? only : null;
    }
    long total = 0;
    for (HTTPRouteDestination destination : destinations) {
      total += weight(destination);
    }
    if (total <= 0) {
      return null;
    }
    long ticket = random.nextLong(total);
    for (HTTPRouteDestination destination : destinations) {
      ticket -= weight(destination);
      if (ticket < 0) {
        return destination;
      }
    }
    throw new IllegalStateException("unreachable: the ticket is below the total weight");
  }

  private static long weight(HTTPRouteDestination destination) {
    return destination.getWeight() == null ? 0 : Math.max(0, destination.getWeight());
  }
}
