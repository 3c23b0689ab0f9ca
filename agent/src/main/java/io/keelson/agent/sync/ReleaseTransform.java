package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.model.Rendered;
import io.keelson.agent.render.ReleaseStage;
import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.api.RouterKind;
import io.keelson.release.deploy.PolicyKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The deploy half of a release: reads where each ReleasePolicy in the revision stands (its live status in
 * the cluster) and hands it to the pure {@link ReleaseStage}.
 */
final class ReleaseTransform {

  private final KubernetesClient client;
  private final ResourceManager manager;
  private final ReleaseStage stage;

  ReleaseTransform(KubernetesClient client, ResourceManager manager, RouterKind defaultRouter) {
    this.client = client;
    this.manager = manager;
    this.stage = new ReleaseStage(defaultRouter);
  }

  /** The transformed revision, and where each governed Deployment stands in it. */
  ReleaseStage.Result apply(Rendered rendered) {
    return stage.apply(rendered, liveStatuses(rendered));
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
