package io.keelson.agent.render;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.model.Origin;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.model.Rendered;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.RouterKind;
import io.keelson.release.deploy.ObjectId;
import io.keelson.release.deploy.PolicyKey;
import io.keelson.release.deploy.ReleaseAwareRender;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The release-aware render as the last stage of the agent's render, given where each release stands: stable
 * and canary objects from {@link ReleaseAwareRender}, and its problems as render errors at the files of the
 * objects at fault. Pure; the agent passes the live policy statuses, the offline {@code render} command none.
 */
public final class ReleaseAwareRenderStage {

  private final ReleaseAwareRender render;

  /** A stage for policies that route through Istio unless they name their router. */
  public ReleaseAwareRenderStage() {
    this(RouterKind.ISTIO);
  }

  /** @param defaultRouter the router of a policy that names none */
  public ReleaseAwareRenderStage(RouterKind defaultRouter) {
    this.render = new ReleaseAwareRender(defaultRouter);
  }

  /** The transformed revision and where each governed Deployment stands. */
  public record Result(Rendered rendered, List<ReleaseAwareRender.Release> releases) {}

  public Result apply(Rendered rendered, Map<PolicyKey, ReleasePolicyStatus> statuses) {
    if (!rendered.ok()) {
      return new Result(rendered, List.of());
    }
    Map<ObjectRef, Origin> origins = rendered.objects().stream()
        .collect(Collectors.toMap(DesiredObject::ref, DesiredObject::origin, (a, b) -> a, HashMap::new));
    List<GenericKubernetesResource> objects = rendered.objects().stream().map(DesiredObject::object).toList();
    ReleaseAwareRender.Result result = render.apply(objects, statuses);
    if (!result.problems().isEmpty()) {
      List<RenderError> errors = result.problems().stream().map(problem -> error(problem, origins)).toList();
      return new Result(new Rendered(List.of(), errors), result.releases());
    }
    List<DesiredObject> desired = new ArrayList<>();
    for (GenericKubernetesResource object : result.objects()) {
      ObjectRef ref = ObjectRef.of(object);
      desired.add(new DesiredObject(ref, object, origins.getOrDefault(ref, originOfGenerated(ref, origins))));
    }
    return new Result(new Rendered(desired, List.of()), result.releases());
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
}
