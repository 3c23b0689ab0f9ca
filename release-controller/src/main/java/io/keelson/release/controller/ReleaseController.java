package io.keelson.release.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.deploy.PolicyKey;
import io.keelson.release.deploy.ReleaseAwareRender;
import io.keelson.release.strategy.ManualAction;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives every release in the cluster. The policies come from an informer on ReleasePolicies, started on
 * the first tick (this replica leads by then), so a release goes on whatever Git does: unreachable, a
 * revision rejected, a sync stuck in its health wait. What Git declares comes from each source's latest
 * render; for a policy no render reported since start, the controller goes on what the policy's status
 * records ({@link ReleaseReconciler#reconcile(PolicyKey)}). A failing policy is reported in its tick and
 * retried next tick without holding up the others. Once {@link #watch watched}, every change that can move a
 * release on (its policy, Deployments, routes, or what Git declares for it) is told by the policy's key, for
 * the caller to tick it.
 */
public final class ReleaseController implements Releases, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseController.class);

  private final KubernetesClient client;
  private final ReleaseReconciler reconciler;
  private final Set<String> namespaces;
  private final Clock clock;
  private final Map<String, Map<PolicyKey, Rendered>> bySource = new ConcurrentHashMap<>();
  private final Map<PolicyKey, ReleaseReconciler.Tick> lastTicks = new ConcurrentHashMap<>();
  private final List<SharedIndexInformer<ReleasePolicy>> informers = new ArrayList<>();
  private volatile Consumer<PolicyKey> changed = key -> {};
  private ReleaseWatches watches;

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

  /**
   * What one source's latest render of Git said; replaces what that source reported before. The policies
   * whose release it changed (a new candidate, a revert, a new revision) are told as changed.
   */
  public void observed(String source, List<ReleaseAwareRender.Release> releases, String revision) {
    Map<PolicyKey, Rendered> current = new ConcurrentHashMap<>();
    releases.forEach(release -> current.put(release.policy(), new Rendered(release, revision)));
    Map<PolicyKey, Rendered> before = Optional.ofNullable(bySource.put(source, current)).orElse(Map.of());
    current.forEach((key, rendered) -> {
      if (!rendered.equals(before.get(key))) {
        changed.accept(key);
      }
    });
    before.keySet().stream().filter(key -> !current.containsKey(key)).forEach(changed);
  }

  /**
   * Starts watching every object a release waits on; each change is told to {@code changed} as the key of
   * the policy it concerns, from the informers' threads (so keep it short). Idempotent.
   *
   * @param deploymentLabel only Deployments carrying this label are watched; null = every Deployment
   */
  @Override
  public synchronized void watch(String deploymentLabel, Consumer<PolicyKey> changed) {
    this.changed = changed;
    startInformers();
    if (watches == null) {
      watches = new ReleaseWatches(client, namespaces, deploymentLabel, this::policiesIn, changed);
    }
  }

  /**
   * Whether the informers have listed every policy: until then a tick may find no policy that exists, and the
   * keys are incomplete, so the caller asks again.
   */
  @Override
  public boolean hasListed() {
    return startInformers().stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** The keys of every policy the informers hold; empty until they have listed. */
  @Override
  public Set<PolicyKey> keys() {
    return Set.copyOf(policies().keySet());
  }

  /** A policy's tick: the policy as the informer last saw it, and what the tick concluded. */
  public record Ticked(ReleasePolicy policy, ReleaseReconciler.Tick tick) {}

  /** Reconciles every policy in the cluster once; what each tick concluded, for the caller to follow up. */
  public List<Ticked> tick() {
    return tick(policy -> true);
  }

  /**
   * Reconciles once each policy this replica {@code drives} (with sources sharded across replicas, those of the
   * sources it holds); what each tick concluded.
   */
  public List<Ticked> tick(Predicate<ReleasePolicy> drives) {
    Map<PolicyKey, ReleasePolicy> policies = policies();
    policies.values().removeIf(drives.negate());
    lastTicks.keySet().retainAll(policies.keySet());
    List<Ticked> ticked = new ArrayList<>();
    policies.forEach((key, policy) -> tick(key, policy).ifPresent(ticked::add));
    return ticked;
  }

  /**
   * Reconciles one policy; empty when it is gone or has released nothing yet. Never call it twice at once for
   * one policy.
   */
  public Optional<Ticked> tick(PolicyKey key) {
    return tick(key, policy -> true);
  }

  /**
   * Reconciles one policy if this replica {@code drives} it (with sources sharded across replicas, a policy of
   * a source it holds); empty otherwise, when it is gone or has released nothing yet.
   */
  @Override
  public Optional<Ticked> tick(PolicyKey key, Predicate<ReleasePolicy> drives) {
    // A policy the informers' first list has put in the store is ticked even before that list is complete (its
    // add event comes while the list is in progress); one not there is only known gone once the list is.
    ReleasePolicy policy = startInformers().stream()
        .map(informer -> informer.getStore().getByKey(key.namespace() + "/" + key.name()))
        .filter(Objects::nonNull).findFirst().orElse(null);
    if (policy != null && !drives.test(policy)) {
      return Optional.empty();
    }
    if (policy == null && !hasListed()) {
      return Optional.empty();
    }
    if (policy == null) {
      lastTicks.remove(key);
      return Optional.empty();
    }
    return tick(key, policy);
  }

  private Optional<Ticked> tick(PolicyKey key, ReleasePolicy policy) {
    Rendered git = bySource.values().stream().map(rendered -> rendered.get(key)).filter(Objects::nonNull)
        .findFirst().orElse(null);
    Optional<ReleaseReconciler.Tick> tick;
    try {
      tick = git != null ? reconciler.reconcile(key, git.release(), git.revision()) : reconciler.reconcile(key);
    } catch (RuntimeException e) {
      LOG.warn("release {}/{}: tick failed, retrying next tick: {}", key.namespace(), key.name(), e.toString());
      tick = Optional.of(failed(key, e));
    }
    tick.ifPresentOrElse(t -> lastTicks.put(key, t), () -> lastTicks.remove(key));
    return tick.map(t -> new Ticked(policy, t));
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
    // A merge patch of the one annotation, without the resourceVersion: a tick writing the status at the same
    // moment does not make the request fail with a conflict.
    client.resources(ReleasePolicy.class).inNamespace(key.namespace()).withName(key.name())
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(
            Map.of("metadata", Map.of("annotations", Map.of(ActionRequests.ANNOTATION, value)))));
    return true;
  }

  /** The tick that could not finish keeps the last status known and says why. */
  private ReleaseReconciler.Tick failed(PolicyKey key, RuntimeException e) {
    ReleaseReconciler.Tick last = lastTicks.get(key);
    return new ReleaseReconciler.Tick(key, last == null ? new ReleasePolicyStatus() : last.status(), last == null ? "" : last.message(),
        last == null ? null : last.router(), false,
        Optional.of(WritableStatus.text("tick failed: " + e.getMessage())));
  }

  /** Every policy the informers hold, by key; empty until they have listed. */
  private Map<PolicyKey, ReleasePolicy> policies() {
    Map<PolicyKey, ReleasePolicy> policies = new LinkedHashMap<>();
    listed().sorted(Comparator.comparing((ReleasePolicy p) -> p.getMetadata().getNamespace())
            .thenComparing(p -> p.getMetadata().getName()))
        .forEach(p -> policies.put(key(p), p));
    return policies;
  }

  private Collection<ReleasePolicy> policiesIn(String namespace) {
    return listed().filter(p -> namespace.equals(p.getMetadata().getNamespace())).toList();
  }

  private Stream<ReleasePolicy> listed() {
    return startInformers().stream().filter(SharedIndexInformer::hasSynced)
        .flatMap(informer -> informer.getStore().list().stream());
  }

  /**
   * The informers on ReleasePolicies, started on first use; they retry on their own when the API server fails
   * them (e.g. the CRD is not installed yet). Every change of a policy (its spec, an action, its deletion, the
   * status a tick wrote, so the next decision sees it) is told as changed.
   */
  private synchronized List<SharedIndexInformer<ReleasePolicy>> startInformers() {
    if (informers.isEmpty()) {
      if (namespaces.isEmpty()) {
        informers.add(client.resources(ReleasePolicy.class).inAnyNamespace().runnableInformer(0));
      } else {
        namespaces.forEach(ns -> informers.add(client.resources(ReleasePolicy.class).inNamespace(ns)
            .runnableInformer(0)));
      }
      informers.forEach(informer -> informer.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(ReleasePolicy policy) {
          changed.accept(key(policy));
        }

        @Override
        public void onUpdate(ReleasePolicy before, ReleasePolicy after) {
          changed.accept(key(after));
        }

        @Override
        public void onDelete(ReleasePolicy policy, boolean finalStateUnknown) {
          changed.accept(key(policy));
        }
      }).exceptionHandler((started, e) -> {
        LOG.warn("watching ReleasePolicies failed, retrying: {}", e.toString());
        return true;
      }).start());
    }
    return List.copyOf(informers);
  }

  private static PolicyKey key(ReleasePolicy policy) {
    return new PolicyKey(policy.getMetadata().getNamespace(), policy.getMetadata().getName());
  }

  @Override
  public synchronized void close() {
    if (watches != null) {
      watches.close();
      watches = null;
    }
    informers.forEach(SharedIndexInformer::close);
    informers.clear();
  }
}
