package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.model.Origin;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.model.Rendered;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.deploy.ObjectId;
import io.keelson.release.deploy.PolicyKey;
import io.keelson.release.deploy.ReleaseAwareRender;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The deploy half of a release: reads where each ReleasePolicy in the revision stands (its live status)
 * and lets {@link ReleaseAwareRender} decide the stable and canary objects. Problems become render errors
 * at the files of the objects at fault, so the revision is rejected like any other bad input.
 */
final class ReleaseTransform {

  private final KubernetesClient client;
  private final ResourceManager manager;
  private final ReleaseAwareRender render = new ReleaseAwareRender();
  private volatile List<ReleaseAwareRender.Release> releases = List.of();

  ReleaseTransform(KubernetesClient client, ResourceManager manager) {
    this.client = client;
    this.manager = manager;
  }

  /** Where each governed Deployment stands after the last transform, for the release controller. */
  List<ReleaseAwareRender.Release> releases() {
    return releases;
  }

  Rendered apply(Rendered rendered) {
    if (!rendered.ok()) {
      return rendered;
    }
    Map<ObjectRef, Origin> origins = rendered.objects().stream()
        .collect(Collectors.toMap(DesiredObject::ref, DesiredObject::origin, (a, b) -> a, HashMap::new));
    List<GenericKubernetesResource> objects = rendered.objects().stream().map(DesiredObject::object).toList();
    ReleaseAwareRender.Result result = render.apply(objects, liveStatuses(rendered));
    releases = result.releases();
    if (!result.problems().isEmpty()) {
      return new Rendered(List.of(), result.problems().stream().map(problem -> error(problem, origins)).toList());
    }
    List<DesiredObject> desired = new ArrayList<>();
    for (GenericKubernetesResource object : result.objects()) {
      ObjectRef ref = ObjectRef.of(object);
      desired.add(new DesiredObject(ref, object, origins.getOrDefault(ref, originOfGenerated(ref, origins))));
    }
    return new Rendered(desired, List.of());
  }

  /** A canary object comes from the file of the Git object it was derived from. */
  private static Origin originOfGenerated(ObjectRef ref, Map<ObjectRef, Origin> origins) {
    String base = ref.name().endsWith(ReleaseAwareRender.CANARY_SUFFIX)
        ? ref.name().substring(0, ref.name().length() - ReleaseAwareRender.CANARY_SUFFIX.length()) : ref.name();
    return origins.getOrDefault(new ObjectRef(ref.group(), ref.version(), ref.kind(), ref.namespace(), base),
        Origin.ofFile("(generated)"));
  }

  private static RenderError error(ReleaseAwareRender.Problem problem, Map<ObjectRef, Origin> origins) {
    List<Origin> at = problem.objects().stream().map(id -> origins.get(ref(id))).filter(o -> o != null).toList();
    String others = at.size() > 1
        ? " (see also " + at.subList(1, at.size()).stream().map(Origin::toString).collect(Collectors.joining(", "))
            + ")" : "";
    return new RenderError(at.isEmpty() ? Origin.ofFile("(revision)") : at.get(0), problem.message() + others);
  }

  private static ObjectRef ref(ObjectId id) {
    String version = id.apiVersion().substring(id.apiVersion().indexOf('/') + 1);
    return new ObjectRef(id.group(), version, id.kind(), id.namespace(), id.name());
  }

  /** The status of each policy the revision declares, as the cluster has it; absent = never released. */
  private Map<PolicyKey, ReleasePolicyStatus> liveStatuses(Rendered rendered) {
    Map<PolicyKey, ReleasePolicyStatus> statuses = new HashMap<>();
    for (DesiredObject object : rendered.objects()) {
      ObjectRef ref = object.ref();
      if (!ref.group().equals(ReleasePolicy.GROUP) || !ref.kind().equals(ReleasePolicy.KIND)
          || manager.discovery().find(ref.apiVersion(), ref.kind()).isEmpty()) {
        continue;
      }
      Optional<GenericKubernetesResource> live = manager.get(ref);
      live.map(policy -> policy.getAdditionalProperties().get("status"))
          .map(status -> client.getKubernetesSerialization().convertValue(status, ReleasePolicyStatus.class))
          .ifPresent(status -> statuses.put(new PolicyKey(ref.namespace(), ref.name()), status));
    }
    return statuses;
  }
}
