package io.keelson.release.istio;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.keelson.release.api.RouterKind;
import io.keelson.release.traffic.PolicyRef;
import io.keelson.release.traffic.Reconciled;
import io.keelson.release.traffic.RouteDesign;
import io.keelson.release.traffic.Routes;
import io.keelson.release.traffic.TrafficRouter;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link TrafficRouter} for Istio: the VirtualService and DestinationRule of {@link RouteDesign}, in the
 * policy's namespace. Each object is fetched, compared with its desired state by {@link RouteDesign#plan},
 * and written with server-side apply (field manager {@link RouteDesign#MANAGER}, conflicts forced, as the
 * release controller is the only rightful owner of these objects) only when it differs.
 */
public final class IstioRouter implements TrafficRouter {

  private final IstioClient istio;

  public IstioRouter(KubernetesClient client) {
    this.istio = Objects.requireNonNull(client, "client").adapt(IstioClient.class);
  }

  @Override
  public void reconcile(PolicyRef policy, Routes routes) {
    VirtualService virtualService = RouteDesign.virtualService(policy, routes);
    DestinationRule destinationRule = RouteDesign.destinationRule(policy);
    // The rule first: a route to the canary host never exists without the canary host's rule.
    apply(istio.v1().destinationRules(), destinationRule);
    apply(istio.v1().virtualServices(), virtualService);
  }

  @Override
  public Optional<Routes> current(PolicyRef policy) {
    VirtualService live = istio.v1().virtualServices().inNamespace(policy.namespace())
        .withName(RouteDesign.objectName(policy)).get();
    return Optional.ofNullable(live).map(virtualService -> RouteDesign.routesOf(policy, virtualService));
  }

  @Override
  public void finalize(PolicyRef policy) {
    // The routes first, so no route is left pointing at a host whose rule is gone.
    istio.v1().virtualServices().inNamespace(policy.namespace()).withName(RouteDesign.objectName(policy)).delete();
    istio.v1().destinationRules().inNamespace(policy.namespace()).withName(RouteDesign.objectName(policy)).delete();
  }

  @Override
  public Optional<RouterKind> kind(PolicyRef policy) {
    return Optional.of(RouterKind.ISTIO);
  }

  private static <T extends HasMetadata, L extends KubernetesResourceList<T>> void apply(
      MixedOperation<T, L, Resource<T>> operation, T desired) {
    String namespace = desired.getMetadata().getNamespace();
    T live = operation.inNamespace(namespace).withName(desired.getMetadata().getName()).get();
    Reconciled<T> plan = RouteDesign.plan(live, desired);
    if (plan.modified()) {
      operation.inNamespace(namespace).resource(plan.desired())
          .fieldManager(RouteDesign.MANAGER).forceConflicts().serverSideApply();
    }
  }
}
