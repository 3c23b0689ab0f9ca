package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.Ownership;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Git's object plus the source label that marks it as a source's own (for informers and prune). */
final class SourceLabel {

  private SourceLabel() {}

  static DesiredObject labelled(ResourceManager manager, String source, DesiredObject object) {
    GenericKubernetesResource copy = manager.fromMap(manager.asMap(object.object()));
    Map<String, String> labels = new HashMap<>(Optional.ofNullable(copy.getMetadata().getLabels()).orElse(Map.of()));
    labels.put(Ownership.SOURCE_LABEL, source);
    copy.getMetadata().setLabels(labels);
    return new DesiredObject(object.ref(), copy, object.origin());
  }
}
