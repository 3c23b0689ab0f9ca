package io.keelson.release.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.deploy.PolicyKey;
import io.keelson.release.deploy.ReleaseAwareRender;
import io.keelson.release.strategy.ManualAction;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives every release in the cluster. The policies come from an informer on ReleasePolicies, started on
 * the first tick (this replica leads by then), so a release goes on whatever Git does: unreachable, a
 * revision rejected, a sync stuck in its health wait. What Git declares comes from each source's latest
 * render; for a policy no render reported since start, the controller goes on what the policy's status
 * records ({@link ReleaseReconciler#reconcile(PolicyKey)}). A failing policy is reported in its tick and
 * retried next tick without holding up the others.
 */
public final class ReleaseController implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseController.class);

  private final KubernetesClient client;
  private final ReleaseReconciler reconciler;
  private final Set<String> namespaces;
  private final Clock clock;
  private final Map<String, Map<PolicyKey, Rendered>> bySource = new ConcurrentHashMap<>();
  private final Map<PolicyKey, ReleaseReconciler.Tick> lastTicks = new ConcurrentHashMap<>();
  private final List<SharedIndexInformer<ReleasePolicy>> informers = new ArrayList<>();

  /**
   * @param namespaces the namespaces whose policies it drives; empty = every namespace
   */
  public ReleaseController(KubernetesClient client, ReleaseReconciler reconciler, Set<String> namespaces,
      Clock clock) {
    this.client = client;
    this.reconciler = reconciler;
    this.namespaces = Set.copyOf(namespaces);
    this.clock = clock;
  }

  private record Rendered(ReleaseAwareRender.Release release, String revision) {}

  /** What one source's latest render of Git said; replaces what that source reported before. */
  public void observed(String source, List<ReleaseAwareRender.Release> releases, String revision) {
    Map<PolicyKey, Rendered> current = new ConcurrentHashMap<>();
    releases.forEach(release -> current.put(release.policy(), new Rendered(release, revision)));
    bySource.put(source, current);
  }

  /** A policy's tick: the policy as the informer last saw it, and what the tick concluded. */
  public record Ticked(ReleasePolicy policy, ReleaseReconciler.Tick tick) {}

  /** Reconciles every policy in the cluster once; what each tick concluded, for the caller to follow up. */
  public List<Ticked> tick() {
    Map<PolicyKey, ReleasePolicy> policies = policies();
    lastTicks.keySet().retainAll(policies.keySet());
    Map<PolicyKey, Rendered> rendered = new LinkedHashMap<>();
    bySource.values().forEach(rendered::putAll);
    List<Ticked> ticked = new ArrayList<>();
    policies.forEach((key, policy) -> {
      Rendered git = rendered.get(key);
      Optional<ReleaseReconciler.Tick> tick;
      try {
        tick = git != null ? reconciler.reconcile(key, git.release(), git.revision()) : reconciler.reconcile(key);
      } catch (RuntimeException e) {
        LOG.warn("release {}/{}: tick failed, retrying next tick: {}", key.namespace(), key.name(), e.toString());
        tick = Optional.of(failed(key, e));
      }
      tick.ifPresentOrElse(t -> {
        lastTicks.put(key, t);
        ticked.add(new Ticked(policy, t));
      }, () -> lastTicks.remove(key));
    });
    return ticked;
  }

  /** The last tick of every release, by namespace and name. */
  public List<ReleaseReconciler.Tick> lastTicks() {
    List<ReleaseReconciler.Tick> ticks = new ArrayList<>(lastTicks.values());
    ticks.sort(Comparator.comparing((ReleaseReconciler.Tick t) -> t.policy().namespace())
        .thenComparing(t -> t.policy().name()));
    return ticks;
  }

  /**
   * Records a manual action on the policy (persisted, audited by the status once carried out); false when
   * there is no such policy.
   */
  public boolean request(PolicyKey key, ManualAction.Kind kind, String by) {
    Optional<ReleasePolicy> policy = Optional.ofNullable(
        client.resources(ReleasePolicy.class).inNamespace(key.namespace()).withName(key.name()).get());
    if (policy.isEmpty()) {
      return false;
    }
    String value = ActionRequests.encode(new ManualAction(kind, by, clock.instant()));
    client.resources(ReleasePolicy.class).inNamespace(key.namespace()).withName(key.name())
        .edit(p -> {
          Map<String, String> annotations = new LinkedHashMap<>(
              Optional.ofNullable(p.getMetadata().getAnnotations()).orElse(Map.of()));
          annotations.put(ActionRequests.ANNOTATION, value);
          p.getMetadata().setAnnotations(annotations);
          return p;
        });
    return true;
  }

  /** The tick that could not finish keeps the last status known and says why. */
  private ReleaseReconciler.Tick failed(PolicyKey key, RuntimeException e) {
    ReleaseReconciler.Tick last = lastTicks.get(key);
    return new ReleaseReconciler.Tick(key, last == null ? new ReleasePolicyStatus() : last.status(), last == null ? "" : last.message(),
        last == null ? null : last.router(), false,
        Optional.of(WritableStatus.text("tick failed: " + e.getMessage())));
  }

  /**
   * Every policy the informers hold, by key; empty until they have listed. The informers start on the first
   * call and retry on their own when the API server fails them (e.g. the CRD is not installed yet).
   */
  private synchronized Map<PolicyKey, ReleasePolicy> policies() {
    if (informers.isEmpty()) {
      if (namespaces.isEmpty()) {
        informers.add(client.resources(ReleasePolicy.class).inAnyNamespace().runnableInformer(0));
      } else {
        namespaces.forEach(ns -> informers.add(client.resources(ReleasePolicy.class).inNamespace(ns)
            .runnableInformer(0)));
      }
      informers.forEach(informer -> informer.exceptionHandler((started, e) -> {
        LOG.warn("watching ReleasePolicies failed, retrying: {}", e.toString());
        return true;
      }).start());
    }
    Map<PolicyKey, ReleasePolicy> policies = new LinkedHashMap<>();
    informers.stream().filter(SharedIndexInformer::hasSynced).flatMap(informer -> informer.getStore().list().stream())
        .sorted(Comparator.comparing((ReleasePolicy p) -> p.getMetadata().getNamespace())
            .thenComparing(p -> p.getMetadata().getName()))
        .forEach(p -> policies.put(new PolicyKey(p.getMetadata().getNamespace(), p.getMetadata().getName()), p));
    return policies;
  }

  @Override
  public synchronized void close() {
    informers.forEach(SharedIndexInformer::close);
    informers.clear();
  }
}
