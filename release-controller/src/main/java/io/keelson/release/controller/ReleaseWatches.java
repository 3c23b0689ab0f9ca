package io.keelson.release.controller;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.deploy.PolicyKey;
import io.keelson.release.deploy.ReleaseAwareRender;
import io.keelson.release.traffic.RouteDesign;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The objects besides its policy that a release waits on, watched so that a change ticks the policies it
 * concerns at once: its two Deployments (the canary becoming ready, stable rolling out the candidate) and its
 * routing object (a VirtualService or HTTPRoute edited by hand, or written by the last tick, so the next one
 * confirms it). Informers list and watch again on their own after a failure.
 */
final class ReleaseWatches implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseWatches.class);

  private final KubernetesClient client;
  private final Set<String> namespaces;
  private final Function<String, Collection<ReleasePolicy>> policiesIn;
  private final Consumer<PolicyKey> changed;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  /**
   * @param namespaces the namespaces watched; empty = every namespace
   * @param deploymentLabel only Deployments carrying this label are watched (e.g. the label the agent puts on
   *     what it applies); null = every Deployment
   * @param policiesIn the policies known in a namespace
   * @param changed told the key of each policy a change concerns
   */
  ReleaseWatches(KubernetesClient client, Set<String> namespaces, String deploymentLabel,
      Function<String, Collection<ReleasePolicy>> policiesIn, Consumer<PolicyKey> changed) {
    this.client = client;
    this.namespaces = Set.copyOf(namespaces);
    this.policiesIn = policiesIn;
    this.changed = changed;
    inform(Deployment.class, deploymentLabel, null, this::governing);
    informIfServed(VirtualService.class, this::routed);
    informIfServed(HTTPRoute.class, this::routed);
  }

  /** A routing API the API server does not serve (Istio or the Gateway API not installed) is not watched. */
  private <T extends HasMetadata> void informIfServed(Class<T> route, Function<T, Stream<PolicyKey>> keys) {
    if (client.supports(route)) {
      inform(route, RouteDesign.MANAGED_BY_LABEL, RouteDesign.MANAGER, keys);
    } else {
      LOG.info("{} is not served by the API server: not watched (installed later: watched after a restart)",
          route.getSimpleName());
    }
  }

  /** The policies whose stable or canary Deployment this is. */
  private Stream<PolicyKey> governing(Deployment deployment) {
    String namespace = deployment.getMetadata().getNamespace();
    String name = deployment.getMetadata().getName();
    return policiesIn.apply(namespace).stream()
        .filter(policy -> policy.getSpec() != null && policy.getSpec().getTargetRef() != null)
        .filter(policy -> name.equals(policy.getSpec().getTargetRef().name())
            || name.equals(policy.getSpec().getTargetRef().name() + ReleaseAwareRender.CANARY_SUFFIX))
        .map(policy -> new PolicyKey(namespace, policy.getMetadata().getName()));
  }

  /** The policy a routing object is named after ({@link RouteDesign#objectName}). */
  private Stream<PolicyKey> routed(HasMetadata route) {
    String name = route.getMetadata().getName();
    return name.startsWith(RouteDesign.NAME_PREFIX)
        ? Stream.of(new PolicyKey(route.getMetadata().getNamespace(), name.substring(RouteDesign.NAME_PREFIX.length())))
        : Stream.empty();
  }

  private <T extends HasMetadata> void inform(Class<T> type, String label, String value,
      Function<T, Stream<PolicyKey>> keys) {
    List<FilterWatchListDeletable<T, ?, ?>> scopes = new ArrayList<>();
    if (namespaces.isEmpty()) {
      scopes.add(client.resources(type).inAnyNamespace());
    } else {
      namespaces.forEach(ns -> scopes.add(client.resources(type).inNamespace(ns)));
    }
    AtomicBoolean reported = new AtomicBoolean();
    for (FilterWatchListDeletable<T, ?, ?> scope : scopes) {
      FilterWatchListDeletable<T, ?, ?> selected = label == null ? scope
          : value == null ? scope.withLabel(label) : scope.withLabel(label, value);
      SharedIndexInformer<T> informer = selected.runnableInformer(0);
      informer.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(T object) {
          keys.apply(object).forEach(changed);
        }

        @Override
        public void onUpdate(T before, T after) {
          keys.apply(after).forEach(changed);
        }

        @Override
        public void onDelete(T object, boolean finalStateUnknown) {
          keys.apply(object).forEach(changed);
        }
      });
      // Said once, then retried quietly: meanwhile the safety poll still ticks every release.
      informer.exceptionHandler((started, e) -> {
        if (reported.compareAndSet(false, true)) {
          LOG.info("watching {} failed, retrying in the background: {}", type.getSimpleName(), e.toString());
        } else {
          LOG.debug("watching {} failed again: {}", type.getSimpleName(), e.toString());
        }
        return true;
      });
      informer.start();
      informers.add(informer);
    }
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    informers.clear();
  }
}
