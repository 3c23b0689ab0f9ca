package io.keelson.release.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.deploy.PolicyKey;
import io.keelson.release.deploy.ReleaseAwareRender;
import io.keelson.release.strategy.Action;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives every release the agent's render reported: each source tells it, after each sync, where its
 * governed Deployments stand; each {@link #tick} reconciles every known policy. A failing policy is
 * logged and retried next tick without holding up the others.
 */
public final class ReleaseController {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseController.class);

  private final KubernetesClient client;
  private final ReleaseReconciler reconciler;
  private final Clock clock;
  private final Map<String, Map<PolicyKey, Observed>> bySource = new ConcurrentHashMap<>();
  private final Map<PolicyKey, ReleaseReconciler.Tick> lastTicks = new ConcurrentHashMap<>();

  public ReleaseController(KubernetesClient client, ReleaseReconciler reconciler, Clock clock) {
    this.client = client;
    this.reconciler = reconciler;
    this.clock = clock;
  }

  private record Observed(ReleaseAwareRender.Release release, String revision) {}

  /** What one source's latest sync rendered; replaces what that source reported before. */
  public void observed(String source, List<ReleaseAwareRender.Release> releases, String revision) {
    Map<PolicyKey, Observed> current = new ConcurrentHashMap<>();
    releases.forEach(release -> current.put(release.policy(), new Observed(release, revision)));
    bySource.put(source, current);
    lastTicks.keySet().retainAll(known().keySet());
  }

  /** Reconciles every known release once. */
  public void tick() {
    known().forEach((key, observed) -> {
      try {
        reconciler.reconcile(key, observed.release(), observed.revision()).ifPresentOrElse(
            tick -> lastTicks.put(key, tick), () -> lastTicks.remove(key));
      } catch (RuntimeException e) {
        LOG.warn("release {}/{}: tick failed, retrying next tick: {}", key.namespace(), key.name(), e.toString());
      }
    });
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
  public boolean request(PolicyKey key, Action.Kind kind, String by) {
    Optional<ReleasePolicy> policy = Optional.ofNullable(
        client.resources(ReleasePolicy.class).inNamespace(key.namespace()).withName(key.name()).get());
    if (policy.isEmpty()) {
      return false;
    }
    String value = ActionRequests.encode(new Action(kind, by, clock.instant()));
    client.resources(ReleasePolicy.class).inNamespace(key.namespace()).withName(key.name())
        .edit(p -> {
          java.util.Map<String, String> annotations = new java.util.LinkedHashMap<>(
              Optional.ofNullable(p.getMetadata().getAnnotations()).orElse(Map.of()));
          annotations.put(ActionRequests.ANNOTATION, value);
          p.getMetadata().setAnnotations(annotations);
          return p;
        });
    return true;
  }

  private Map<PolicyKey, Observed> known() {
    Map<PolicyKey, Observed> all = new ConcurrentHashMap<>();
    bySource.values().forEach(all::putAll);
    return all;
  }
}
