package io.keelson.release.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.release.api.RouterKind;
import io.keelson.release.api.ServiceSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouterChoiceTest {

  /** Every call to either router, in order. */
  private final List<String> log = new ArrayList<>();

  /** A router that keeps routes in memory and records what was asked of it. */
  final class RecordingRouter implements TrafficRouter {
    final String name;
    final Map<String, Routes> routes = new HashMap<>();
    final List<String> calls = new ArrayList<>();

    RecordingRouter(String name) {
      this.name = name;
    }

    @Override
    public void reconcile(PolicyRef policy, Routes wanted) {
      calls.add("reconcile " + wanted);
      log.add(name + " reconcile");
      routes.put(policy.name(), wanted);
    }

    @Override
    public Optional<Routes> current(PolicyRef policy) {
      return Optional.ofNullable(routes.get(policy.name()));
    }

    @Override
    public void finalize(PolicyRef policy) {
      calls.add("finalize");
      log.add(name + " finalize");
      routes.remove(policy.name());
    }
  }

  private final RecordingRouter istio = new RecordingRouter("istio");
  private final RecordingRouter gatewayApi = new RecordingRouter("gateway-api");

  private static PolicyRef policy(RouterKind router) {
    return new PolicyRef("shop", "cart", null, new ServiceSpec("cart", null, 8080, null, null, null, null), null,
        router);
  }

  private RouterChoice choice(RouterKind defaultRouter) {
    return new RouterChoice(Map.of(RouterKind.ISTIO, istio, RouterKind.GATEWAY_API, gatewayApi), defaultRouter);
  }

  @Test
  void aPolicyThatNamesNoRouterGetsTheDefault() {
    choice(RouterKind.GATEWAY_API).reconcile(policy(null), new Routes(10, false));

    assertThat(gatewayApi.routes).containsEntry("cart", new Routes(10, false));
    assertThat(istio.calls).isEmpty();
    assertThat(choice(RouterKind.GATEWAY_API).kind(policy(null))).contains(RouterKind.GATEWAY_API);
  }

  @Test
  void aPolicyThatNamesItsRouterGetsItWhateverTheDefault() {
    RouterChoice choice = choice(RouterKind.GATEWAY_API);

    choice.reconcile(policy(RouterKind.ISTIO), new Routes(20, false));

    assertThat(istio.routes).containsEntry("cart", new Routes(20, false));
    assertThat(choice.current(policy(RouterKind.ISTIO))).contains(new Routes(20, false));
    assertThat(choice.kind(policy(RouterKind.ISTIO))).contains(RouterKind.ISTIO);
  }

  @Test
  void switchingRouterWritesTheNewRoutesBeforeDeletingTheOld() {
    RouterChoice choice = choice(RouterKind.ISTIO);
    choice.reconcile(policy(null), new Routes(30, false));

    log.clear();
    choice.reconcile(policy(RouterKind.GATEWAY_API), new Routes(30, false));

    assertThat(log).containsExactly("gateway-api reconcile", "istio finalize");
    assertThat(istio.routes).isEmpty();
    assertThat(gatewayApi.routes).containsEntry("cart", new Routes(30, false));

    istio.calls.clear();
    choice.reconcile(policy(RouterKind.GATEWAY_API), new Routes(30, false));
    assertThat(istio.calls).as("nothing left to delete, nothing deleted").isEmpty();
  }

  @Test
  void finalizeDeletesWhatEitherRouterWrote() {
    RouterChoice choice = choice(RouterKind.ISTIO);
    choice.reconcile(policy(null), Routes.STABLE);

    choice.finalize(policy(null));

    assertThat(istio.calls).endsWith("finalize");
    assertThat(gatewayApi.calls).containsExactly("finalize");
  }
}
