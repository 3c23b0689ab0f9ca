package io.keelson.release.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.keelson.release.api.OnNewCandidate;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicySpec;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.ReleasePolicyValidator;
import io.keelson.release.api.RouterKind;
import io.keelson.release.model.TemplateHash;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The deploy half of a release (DESIGN §2): {@code desired = render(git revision, release status)}.
 *
 * <p>For every Deployment a ReleasePolicy governs, the Git pod template is compared with the released one
 * recorded in the policy status. While they differ, the Deployment keeps the released template (every
 * other field from Git) and a canary Deployment and Service carry the candidate; the release controller
 * then moves traffic. Pure: no client, no I/O, inputs never mutated, output order follows the input.
 */
public final class ReleaseAwareRender {

  /** Label on generated objects: the name of the policy they belong to. */
  public static final String RELEASE_LABEL = "keelson.io/release";
  /** Annotation on generated objects: the {@link TemplateHash} of the candidate template. */
  public static final String CANDIDATE_HASH_ANNOTATION = "keelson.io/candidate-hash";
  /** Suffix of canary object names and of the canary's selector label values. */
  public static final String CANARY_SUFFIX = "-canary";
  private static final Set<ReleasePhase> ACTIVE = Set.of(ReleasePhase.Deploying, ReleasePhase.Testing,
      ReleasePhase.Mirroring, ReleasePhase.Progressing, ReleasePhase.Promoting);
  /** The phases whose routes can send requests to the canary (a weight, the header test route, or a mirror). */
  private static final Set<ReleasePhase> ROUTED = Set.of(ReleasePhase.Testing, ReleasePhase.Mirroring,
      ReleasePhase.Progressing, ReleasePhase.Promoting);
  /**
   * On the stable Deployment while a release is under way: the hash of the template render gave it, so the
   * controller can tell when stable has rolled to the candidate during promotion (the live template, with
   * the API server's defaults, does not hash like Git's).
   */
  public static final String TEMPLATE_HASH_ANNOTATION = "keelson.io/template-hash";

  private static final String ISTIO_GROUP = "networking.istio.io";
  private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};
  /** Copies and converts fabric8 model objects, which keep unknown fields themselves. */
  private static final ObjectMapper LENIENT = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private static final String GATEWAY_API_GROUP = "gateway.networking.k8s.io";

  private final ReleasePolicyValidator validator = new ReleasePolicyValidator();
  private final RouterKind defaultRouter;

  /** A render for a cluster whose policies route through Istio unless they name their router. */
  public ReleaseAwareRender() {
    this(RouterKind.ISTIO);
  }

  /** @param defaultRouter the router of a policy that names none (the agent's configured default) */
  public ReleaseAwareRender(RouterKind defaultRouter) {
    this.defaultRouter = Objects.requireNonNull(defaultRouter, "defaultRouter");
  }

  /**
   * The desired state of a revision, given where each release stands.
   *
   * @param objects everything Git declares (already namespace-defaulted), ReleasePolicies included as
   *     {@link GenericKubernetesResource}s of kind ReleasePolicy
   * @param liveStatus the status of each policy as read from the cluster; a missing key = never released
   * @return the objects to apply and, if the revision is unfit, the problems; a caller rejects a revision
   *     with any problem
   */
  public Result apply(List<GenericKubernetesResource> objects, Map<PolicyKey, ReleasePolicyStatus> liveStatus) {
    Objects.requireNonNull(objects, "objects");
    Objects.requireNonNull(liveStatus, "liveStatus");
    // Not copied up front: every object this changes is copied first (copy, withTemplate), so the caller's
    // objects stay as they were and an object no release touches is passed through, not held twice.
    List<GenericKubernetesResource> input = List.copyOf(objects);
    List<Problem> problems = new ArrayList<>();

    List<Policy> policies = readPolicies(input, problems);
    Map<ObjectId, Policy> governing = governing(policies, input, problems);
    checkRouting(policies, input, problems);
    checkHttpRoutes(policies, input, problems);

    List<GenericKubernetesResource> out = new ArrayList<>();
    List<Release> releases = new ArrayList<>();
    for (GenericKubernetesResource object : input) {
      Policy policy = governing.get(ObjectId.of(object));
      if (policy == null) {
        out.add(object);
      } else {
        release(object, policy, input, liveStatus.get(policy.key()), out, releases, problems);
      }
    }
    return new Result(List.copyOf(out), List.copyOf(problems), List.copyOf(releases));
  }

  /**
   * The render's outcome.
   *
   * @param objects the desired objects, in input order, each canary right after its stable Deployment
   * @param problems why the revision cannot be applied as is; empty when it can
   * @param releases one entry per governed Deployment: what the release controller needs to know about it
   */
  public record Result(List<GenericKubernetesResource> objects, List<Problem> problems, List<Release> releases) {}

  /**
   * A reason the revision cannot be applied.
   *
   * @param objects the objects at fault, as declared in Git (e.g. the VirtualService and the policy)
   * @param message what is wrong, in a sentence
   */
  public record Problem(List<ObjectId> objects, String message) {}

  /**
   * A governed Deployment's place in its release.
   *
   * @param policy the governing policy
   * @param deployment the Deployment as Git declares it
   * @param state what render emitted for it
   * @param gitTemplateHash {@link TemplateHash} of the Git template (the candidate when they differ)
   * @param stableTemplateHash {@link TemplateHash} of {@code status.stableTemplate}; null if never released
   * @param gitTemplate the Git template exactly as declared: what the controller records as
   *     {@code status.stableTemplate} at promotion, or on the first sight of an unreleased Deployment
   */
  public record Release(PolicyKey policy, ObjectId deployment, ReleaseState state, String gitTemplateHash,
      String stableTemplateHash, PodTemplateSpec gitTemplate) {}

  /** What render emitted for a governed Deployment. */
  public enum ReleaseState {
    /** No released template recorded yet: the Deployment as Git declares it, no canary. */
    UNRELEASED,
    /** Git declares the released template: the Deployment as Git declares it, no canary. */
    STEADY,
    /** Stable keeps the released template; the canary Deployment and Service run the candidate. */
    CANARY,
    /** Stable rolls to the candidate while the canary still runs. */
    PROMOTING,
    /** The candidate failed: stable keeps the released template and no canary is emitted. */
    HELD_BACK
  }

  private record Policy(PolicyKey key, ObjectId id, ReleasePolicySpec spec) {

    String targetName() {
      return spec.getTargetRef().name();
    }

    ObjectId deployment() {
      return new ObjectId("apps/v1", "Deployment", key.namespace(), targetName());
    }
  }

  private List<Policy> readPolicies(List<GenericKubernetesResource> input, List<Problem> problems) {
    List<Policy> policies = new ArrayList<>();
    for (GenericKubernetesResource object : input) {
      ObjectId id = ObjectId.of(object);
      if (!ReleasePolicy.KIND.equals(id.kind()) || !ReleasePolicy.GROUP.equals(id.group())) {
        continue;
      }
      if (id.namespace() == null) {
        problems.add(new Problem(List.of(id), "a ReleasePolicy must have a namespace"));
        continue;
      }
      StrictSpecReader.Read<ReleasePolicySpec> read = StrictSpecReader.read(
          object.getAdditionalProperties().get("spec"), ReleasePolicySpec.class, "spec");
      if (read.spec().isEmpty()) {
        problems.add(new Problem(List.of(id), "invalid ReleasePolicy: " + (read.problems().isEmpty()
            ? "spec is missing" : String.join("; ", read.problems()))));
        continue;
      }
      ReleasePolicySpec spec = read.spec().get();
      List<ReleasePolicyValidator.Violation> violations = validator.validate(spec, defaultRouter);
      if (!violations.isEmpty()) {
        problems.add(new Problem(List.of(id), "invalid ReleasePolicy: "
            + violations.stream().map(ReleasePolicyValidator.Violation::toString).collect(Collectors.joining("; "))));
        continue;
      }
      policies.add(new Policy(new PolicyKey(id.namespace(), id.name()), id, spec));
    }
    return policies;
  }

  /** The policy governing each Deployment, for Deployments governed by exactly one valid policy. */
  private static Map<ObjectId, Policy> governing(List<Policy> policies, List<GenericKubernetesResource> input,
      List<Problem> problems) {
    Map<ObjectId, List<Policy>> byTarget = new LinkedHashMap<>();
    for (Policy policy : policies) {
      byTarget.computeIfAbsent(policy.deployment(), target -> new ArrayList<>()).add(policy);
    }
    Map<ObjectId, Policy> governing = new LinkedHashMap<>();
    byTarget.forEach((target, candidates) -> {
      GenericKubernetesResource deployment = find(input, "apps", "Deployment", target.namespace(), target.name());
      List<ObjectId> ids = candidates.stream().map(Policy::id).toList();
      if (candidates.size() > 1) {
        problems.add(new Problem(ids, "ReleasePolicies " + candidates.stream().map(p -> p.key().name())
            .collect(Collectors.joining(", ")) + " all govern Deployment " + target.name()
            + "; at most one policy may govern a Deployment"));
      } else if (deployment == null) {
        problems.add(new Problem(ids, "ReleasePolicy " + candidates.get(0).key().name()
            + " targets Deployment " + target.name() + ", which this revision does not declare"));
      } else {
        governing.put(ObjectId.of(deployment), candidates.get(0));
      }
    });
    return governing;
  }

  /** The release controller owns routing for a policy's hosts: Git may not declare it too. */
  private static void checkRouting(List<Policy> policies, List<GenericKubernetesResource> input,
      List<Problem> problems) {
    for (GenericKubernetesResource object : input) {
      ObjectId id = ObjectId.of(object);
      if (!ISTIO_GROUP.equals(id.group())) {
        continue;
      }
      List<String> hosts;
      if ("VirtualService".equals(id.kind())) {
        hosts = strings(path(object, "spec", "hosts"));
      } else if ("DestinationRule".equals(id.kind())) {
        Object host = path(object, "spec", "host");
        hosts = host instanceof String text ? List.of(text) : List.of();
      } else {
        continue;
      }
      for (Policy policy : policies) {
        Set<String> owned = ownedHosts(policy, id.namespace());
        hosts.stream().filter(owned::contains).findFirst().ifPresent(host -> problems.add(new Problem(
            List.of(id, policy.id()), id.kind() + " " + id.name() + " routes host " + host
            + ", which ReleasePolicy " + policy.key().name()
            + " releases; the release controller owns routing for that host, remove it from Git")));
      }
    }
  }

  /**
   * Nor may Git attach an HTTPRoute to a policy's Service (GAMMA), or route one of its hosts at a Gateway:
   * whichever router the policy uses, Istio does not support a VirtualService and an HTTPRoute for one
   * workload, and two HTTPRoutes for one Service would merge their rules.
   */
  private static void checkHttpRoutes(List<Policy> policies, List<GenericKubernetesResource> input,
      List<Problem> problems) {
    for (GenericKubernetesResource object : input) {
      ObjectId id = ObjectId.of(object);
      if (!GATEWAY_API_GROUP.equals(id.group()) || !"HTTPRoute".equals(id.kind())) {
        continue;
      }
      List<String> hostnames = strings(path(object, "spec", "hostnames"));
      for (Policy policy : policies) {
        String service = policy.spec().getService().name();
        Optional<String> reason = Optional.empty();
        Object parents = path(object, "spec", "parentRefs");
        for (Object parent : parents instanceof List<?> refs ? refs : List.of()) {
          Map<String, Object> ref = object(parent);
          String namespace = ref.get("namespace") instanceof String text ? text : id.namespace();
          if ("Service".equals(ref.get("kind")) && (ref.get("group") == null || "".equals(ref.get("group")))
              && service.equals(ref.get("name")) && policy.key().namespace().equals(namespace)) {
            reason = Optional.of("is attached to Service " + service);
          }
        }
        Set<String> owned = ownedHosts(policy, id.namespace());
        if (reason.isEmpty()) {
          reason = hostnames.stream().filter(owned::contains).findFirst().map(host -> "routes host " + host);
        }
        reason.ifPresent(why -> problems.add(new Problem(List.of(id, policy.id()), "HTTPRoute " + id.name() + " "
            + why + ", which ReleasePolicy " + policy.key().name()
            + " releases; the release controller owns routing for that Service, remove it from Git")));
      }
    }
  }

  private static Set<String> ownedHosts(Policy policy, String routingNamespace) {
    String namespace = policy.key().namespace();
    String service = policy.spec().getService().name();
    Set<String> hosts = new LinkedHashSet<>();
    hosts.add(policy.spec().getService().hostIn(namespace));
    hosts.add(service + "." + namespace + ".svc.cluster.local");
    if (policy.spec().getService().hosts() != null) {
      hosts.addAll(policy.spec().getService().hosts());
    }
    if (namespace.equals(routingNamespace)) {
      // Istio resolves short names against the routing object's own namespace.
      hosts.add(service);
      hosts.add(service + "." + namespace);
      hosts.add(service + "." + namespace + ".svc");
    }
    return hosts;
  }

  private void release(GenericKubernetesResource deployment, Policy policy, List<GenericKubernetesResource> input,
      ReleasePolicyStatus status, List<GenericKubernetesResource> out, List<Release> releases,
      List<Problem> problems) {
    ObjectId deploymentId = ObjectId.of(deployment);
    List<Problem> found = new ArrayList<>();
    Map<String, Object> gitTemplate = object(path(deployment, "spec", "template"));
    PodTemplateSpec gitPodTemplate = null;
    try {
      gitPodTemplate = LENIENT.convertValue(gitTemplate, PodTemplateSpec.class);
    } catch (IllegalArgumentException e) {
      found.add(new Problem(List.of(deploymentId), "spec.template cannot be read: " + firstLine(e.getMessage())));
    }
    Map<String, Object> selector = object(path(deployment, "spec", "selector", "matchLabels"));
    if (path(deployment, "spec", "selector", "matchExpressions") instanceof List<?> expressions
        && !expressions.isEmpty()) {
      found.add(new Problem(List.of(deploymentId, policy.id()),
          "a released Deployment must select its pods by matchLabels only, not matchExpressions"));
    } else if (selector.isEmpty()) {
      found.add(new Problem(List.of(deploymentId, policy.id()),
          "a released Deployment needs spec.selector.matchLabels, so that its canary's selector can differ"));
    }
    String serviceName = policy.spec().getService().name();
    GenericKubernetesResource service = find(input, "", "Service", policy.key().namespace(), serviceName);
    if (service == null) {
      found.add(new Problem(List.of(policy.id()), "ReleasePolicy " + policy.key().name() + " names Service "
          + serviceName + ", which this revision does not declare"));
    } else if (object(path(service, "spec", "selector")).isEmpty()) {
      found.add(new Problem(List.of(ObjectId.of(service), policy.id()),
          "Service " + serviceName + " has no selector, so no canary Service can be derived from it"));
    }
    checkNameFree(input, "apps", "Deployment", deploymentId.namespace(), deploymentId.name() + CANARY_SUFFIX,
        policy, found);
    checkNameFree(input, "", "Service", policy.key().namespace(), serviceName + CANARY_SUFFIX, policy, found);
    if (!found.isEmpty()) {
      problems.addAll(found);
      out.add(deployment);
      return;
    }

    String gitHash = TemplateHash.of(gitTemplate);
    PodTemplateSpec stableTemplate = status == null ? null : status.getStableTemplate();
    String stableHash = stableHash(status);
    // The release under way keeps its own template while Git's newer one waits (see inFlight).
    PodTemplateSpec inFlight = inFlight(policy.spec().getOnNewCandidate(), status, gitHash, stableHash);
    String candidateHash = inFlight == null ? gitHash : TemplateHash.of(inFlight);
    GenericKubernetesResource candidate = inFlight == null ? deployment
        : withTemplate(deployment, LENIENT.convertValue(inFlight, JSON_OBJECT));
    ReleaseState state = state(status, candidateHash, stableHash);
    releases.add(new Release(policy.key(), deploymentId, state, gitHash, stableHash, gitPodTemplate));

    switch (state) {
      case UNRELEASED, STEADY -> out.add(deployment);
      case HELD_BACK -> out.add(withTemplate(deployment, LENIENT.convertValue(stableTemplate, JSON_OBJECT)));
      case CANARY, PROMOTING -> {
        out.add(state == ReleaseState.PROMOTING ? annotated(copy(candidate), candidateHash)
            : annotated(withTemplate(deployment, LENIENT.convertValue(stableTemplate, JSON_OBJECT)), stableHash));
        Set<String> canaryKeys = new LinkedHashSet<>(selector.keySet());
        canaryKeys.addAll(object(path(service, "spec", "selector")).keySet());
        out.add(canaryDeployment(candidate, policy, candidateHash, canaryKeys));
        out.add(canaryService(service, policy, candidateHash));
      }
    }
  }

  /**
   * The template of the release under way when Git has moved away from it but the canary must keep it; null
   * when render follows Git. A canary that routes can reach never changes template under traffic: while the
   * status is Testing, Mirroring, Progressing or Promoting, the candidate keeps its template whatever Git declares (a
   * new candidate or a revert), until the controller has sent all traffic back to stable and recorded it
   * (RollingBack, weight 0, test route and mirror off: the controller writes routes before status). With
   * {@code onNewCandidate: queue} the release under way keeps its template until it ends, a revert to stable
   * excepted (the controller rolls that back).
   */
  private static PodTemplateSpec inFlight(OnNewCandidate onNewCandidate, ReleasePolicyStatus status, String gitHash,
      String stableHash) {
    if (status == null || status.getCandidateTemplate() == null || stableHash == null) {
      return null;
    }
    PodTemplateSpec inFlight = status.getCandidateTemplate();
    if (TemplateHash.of(inFlight).equals(gitHash)) {
      return null;
    }
    boolean routed = ROUTED.contains(status.getPhase());
    boolean queued = onNewCandidate == OnNewCandidate.QUEUE
        && ACTIVE.contains(status.getPhase()) && !stableHash.equals(gitHash);
    return routed || queued ? inFlight : null;
  }

  /**
   * {@code release} as a render of the same Git reports it for {@code status}. A render reports each release
   * against the status it read, and a tick may have moved that status on before the next render: say, recorded
   * the promotion while the sync that rendered the promotion still waited for health. Seen through the status
   * it was rendered with, Git still declares a candidate the status now records as stable; a decision must see
   * Git through the status it decides on.
   */
  public static Release restated(Release release, OnNewCandidate onNewCandidate, ReleasePolicyStatus status) {
    String gitHash = release.gitTemplateHash();
    String stableHash = stableHash(status);
    PodTemplateSpec inFlight = inFlight(onNewCandidate, status, gitHash, stableHash);
    String candidateHash = inFlight == null ? gitHash : TemplateHash.of(inFlight);
    return new Release(release.policy(), release.deployment(), state(status, candidateHash, stableHash), gitHash,
        stableHash, release.gitTemplate());
  }

  private static String stableHash(ReleasePolicyStatus status) {
    return status == null || status.getStableTemplate() == null ? null : TemplateHash.of(status.getStableTemplate());
  }

  /**
   * What render emitted for a policy when Git last declared what its status records: the candidate of the
   * release under way, else the stable template. The release controller goes on this until a sync renders
   * Git again (after a restart with Git unreachable, or while every sync is rejected): the cluster runs it.
   * Empty when nothing was released yet, which only a render of Git can start.
   */
  public static Optional<Release> lastRendered(PolicyKey policy, String targetName, ReleasePolicyStatus status) {
    if (status == null || status.getStableTemplate() == null) {
      return Optional.empty();
    }
    String stableHash = TemplateHash.of(status.getStableTemplate());
    boolean underWay = status.getCandidate() != null && status.getPhase() != null && status.getPhase() != ReleasePhase.Idle
        && status.getPhase() != ReleasePhase.Succeeded;
    String gitHash = underWay ? status.getCandidate().templateHash() : stableHash;
    PodTemplateSpec gitTemplate = underWay ? status.getCandidateTemplate() : status.getStableTemplate();
    return Optional.of(new Release(policy, new ObjectId("apps/v1", "Deployment", policy.namespace(), targetName),
        state(status, gitHash, stableHash), gitHash, stableHash, gitTemplate));
  }

  /**
   * Whether render emits the same objects for two statuses of a policy, whatever Git declares: the status
   * fields render reads are alike. When they are not, the release controller's decision must reach the
   * cluster through a sync.
   */
  public static boolean rendersAlike(ReleasePolicyStatus a, ReleasePolicyStatus b) {
    return Objects.equals(RenderInputs.of(a), RenderInputs.of(b));
  }

  /** The part of a status that {@link #apply} reads. */
  private record RenderInputs(PodTemplateSpec stableTemplate, String candidateHash,
      PodTemplateSpec candidateTemplate, String phase) {

    static RenderInputs of(ReleasePolicyStatus status) {
      if (status == null) {
        return new RenderInputs(null, null, null, "none");
      }
      ReleasePhase phase = status.getPhase();
      String renderedAs = phase == ReleasePhase.Promoting ? "promoting"
          : phase == ReleasePhase.Failed || phase == ReleasePhase.RollingBack ? "held back"
          : phase != null && ACTIVE.contains(phase) ? "active" : "none";
      return new RenderInputs(status.getStableTemplate(),
          status.getCandidate() == null ? null : status.getCandidate().templateHash(), status.getCandidateTemplate(),
          renderedAs);
    }
  }

  private static ReleaseState state(ReleasePolicyStatus status, String gitHash, String stableHash) {
    if (stableHash == null) {
      return ReleaseState.UNRELEASED;
    }
    if (stableHash.equals(gitHash)) {
      return ReleaseState.STEADY;
    }
    boolean sameCandidate = status.getCandidate() != null && gitHash.equals(status.getCandidate().templateHash());
    if (sameCandidate && status.getPhase() == ReleasePhase.Promoting) {
      return ReleaseState.PROMOTING;
    }
    if (sameCandidate && (status.getPhase() == ReleasePhase.Failed || status.getPhase() == ReleasePhase.RollingBack)) {
      return ReleaseState.HELD_BACK;
    }
    return ReleaseState.CANARY;
  }

  private static void checkNameFree(List<GenericKubernetesResource> input, String group, String kind,
      String namespace, String name, Policy policy, List<Problem> found) {
    GenericKubernetesResource taken = find(input, group, kind, namespace, name);
    if (taken != null) {
      found.add(new Problem(List.of(ObjectId.of(taken), policy.id()), kind + " " + name
          + " is declared in Git, but ReleasePolicy " + policy.key().name() + " generates it for its canary"));
    }
  }

  private static GenericKubernetesResource annotated(GenericKubernetesResource deployment, String templateHash) {
    Map<String, String> annotations = new LinkedHashMap<>(
        Optional.ofNullable(deployment.getMetadata().getAnnotations()).orElse(Map.of()));
    annotations.put(TEMPLATE_HASH_ANNOTATION, templateHash);
    deployment.getMetadata().setAnnotations(annotations);
    return deployment;
  }

  private static GenericKubernetesResource withTemplate(GenericKubernetesResource deployment,
      Map<String, Object> template) {
    GenericKubernetesResource stable = copy(deployment);
    object(stable.getAdditionalProperties().get("spec")).put("template", template);
    return stable;
  }

  private static GenericKubernetesResource canaryDeployment(GenericKubernetesResource deployment, Policy policy,
      String candidateHash, Set<String> canaryKeys) {
    GenericKubernetesResource canary = copy(deployment);
    canary.setMetadata(generatedMetadata(deployment.getMetadata(), policy, candidateHash));
    Map<String, Object> spec = object(canary.getAdditionalProperties().get("spec"));
    Integer replicas = policy.spec().getCanaryReplicas();
    if (replicas != null) {
      spec.put("replicas", replicas);
    }
    suffixValues(object(path(canary, "spec", "selector", "matchLabels")), canaryKeys);
    suffixValues(object(path(canary, "spec", "template", "metadata", "labels")), canaryKeys);
    return canary;
  }

  private static GenericKubernetesResource canaryService(GenericKubernetesResource service, Policy policy,
      String candidateHash) {
    GenericKubernetesResource canary = new GenericKubernetesResource();
    canary.setApiVersion(service.getApiVersion());
    canary.setKind(service.getKind());
    canary.setMetadata(generatedMetadata(service.getMetadata(), policy, candidateHash));
    Map<String, Object> selector = new LinkedHashMap<>(object(path(service, "spec", "selector")));
    suffixValues(selector, selector.keySet());
    List<Object> ports = new ArrayList<>();
    for (Object port : path(service, "spec", "ports") instanceof List<?> list ? list : List.of()) {
      Map<String, Object> copy = new LinkedHashMap<>(object(port));
      // Node ports are unique cluster-wide; the canary Service is reached through the mesh only.
      copy.remove("nodePort");
      ports.add(copy);
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("selector", selector);
    spec.put("ports", ports);
    canary.setAdditionalProperties(new LinkedHashMap<>(Map.of("spec", spec)));
    return canary;
  }

  private static ObjectMeta generatedMetadata(ObjectMeta source, Policy policy, String candidateHash) {
    ObjectMeta meta = new ObjectMeta();
    meta.setName(source.getName() + CANARY_SUFFIX);
    meta.setNamespace(source.getNamespace());
    Map<String, String> labels = new LinkedHashMap<>(source.getLabels() == null ? Map.of() : source.getLabels());
    labels.put(RELEASE_LABEL, policy.key().name());
    meta.setLabels(labels);
    Map<String, String> annotations = new LinkedHashMap<>(
        source.getAnnotations() == null ? Map.of() : source.getAnnotations());
    annotations.put(CANDIDATE_HASH_ANNOTATION, candidateHash);
    meta.setAnnotations(annotations);
    return meta;
  }

  private static void suffixValues(Map<String, Object> labels, Set<String> keys) {
    for (String key : keys) {
      Object value = labels.get(key);
      if (value instanceof String text && !text.endsWith(CANARY_SUFFIX)) {
        labels.put(key, text + CANARY_SUFFIX);
      }
    }
  }

  private static GenericKubernetesResource find(List<GenericKubernetesResource> input, String group, String kind,
      String namespace, String name) {
    for (GenericKubernetesResource object : input) {
      ObjectId id = ObjectId.of(object);
      if (id.group().equals(group) && id.kind().equals(kind) && Objects.equals(id.namespace(), namespace)
          && id.name().equals(name)) {
        return object;
      }
    }
    return null;
  }

  private static Object path(GenericKubernetesResource object, String... keys) {
    Object current = object.getAdditionalProperties();
    for (String key : keys) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(key);
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value) {
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : new LinkedHashMap<>();
  }

  private static List<String> strings(Object value) {
    if (!(value instanceof List<?> list)) {
      return List.of();
    }
    return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
  }

  private static GenericKubernetesResource copy(GenericKubernetesResource object) {
    return LENIENT.convertValue(object, GenericKubernetesResource.class);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
