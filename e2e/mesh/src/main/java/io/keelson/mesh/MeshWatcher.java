package io.keelson.mesh;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the mesh configuration as Istio's control plane does: informers in all namespaces on
 * VirtualServices and DestinationRules ({@code networking.istio.io/v1}), HTTPRoutes
 * ({@code gateway.networking.k8s.io/v1}, when the cluster serves them), Services and Pods. Every change
 * rebuilds the {@link MeshState} and swaps it in whole; a burst of changes coalesces into one rebuild.
 */
final class MeshWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MeshWatcher.class);

  private final AtomicReference<MeshState> state = new AtomicReference<>(MeshState.EMPTY);
  private final AtomicBoolean rebuildPending = new AtomicBoolean();
  private final AtomicLong generation = new AtomicLong();
  private final ExecutorService rebuilder = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "mesh-config");
    thread.setDaemon(true);
    return thread;
  });
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private volatile boolean synced;
  private SharedIndexInformer<VirtualService> virtualServices;
  private SharedIndexInformer<DestinationRule> destinationRules;
  private SharedIndexInformer<HTTPRoute> httpRoutes;
  private SharedIndexInformer<Service> services;
  private SharedIndexInformer<Pod> pods;

  /** Starts the informers and returns once each has listed what exists. */
  static MeshWatcher start(KubernetesClient client) {
    MeshWatcher watcher = new MeshWatcher();
    try {
      IstioClient istio = client.adapt(IstioClient.class);
      watcher.virtualServices = watcher.add(istio.v1().virtualServices().inAnyNamespace().inform(watcher.handler()));
      watcher.destinationRules = watcher.add(
          istio.v1().destinationRules().inAnyNamespace().inform(watcher.handler()));
      // The Gateway API is optional in a cluster: without its CRDs, no HTTPRoute routes anything.
      if (client.supports(HTTPRoute.class)) {
        watcher.httpRoutes = watcher.add(client.resources(HTTPRoute.class).inAnyNamespace().inform(watcher.handler()));
      }
      watcher.services = watcher.add(client.services().inAnyNamespace().inform(watcher.handler()));
      watcher.pods = watcher.add(client.pods().inAnyNamespace().inform(watcher.handler()));
      watcher.synced = true;
      watcher.rebuild();
      return watcher;
    } catch (RuntimeException e) {
      watcher.close();
      throw e;
    }
  }

  private <T> SharedIndexInformer<T> add(SharedIndexInformer<T> informer) {
    informers.add(informer);
    return informer;
  }

  private <T> ResourceEventHandler<T> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        changed();
      }

      @Override
      public void onUpdate(T before, T after) {
        changed();
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        changed();
      }
    };
  }

  private void changed() {
    if (synced && rebuildPending.compareAndSet(false, true)) {
      rebuilder.execute(() -> {
        rebuildPending.set(false);
        rebuild();
      });
    }
  }

  private synchronized void rebuild() {
    try {
      state.set(MeshState.of(virtualServices.getStore().list(), destinationRules.getStore().list(),
          httpRoutes == null ? List.of() : httpRoutes.getStore().list(), services.getStore().list(),
          pods.getStore().list()));
      generation.incrementAndGet();
    } catch (RuntimeException e) {
      // Keep routing on the last good picture; the next change tries again.
      LOG.warn("cannot rebuild the mesh configuration; keeping the previous one", e);
    }
  }

  MeshState current() {
    return state.get();
  }

  /** How many snapshots have been built: tests and tools wait for it to move after a change. */
  long generation() {
    return generation.get();
  }

  @Override
  public void close() {
    synced = false;
    informers.forEach(SharedIndexInformer::close);
    rebuilder.shutdownNow();
  }
}
