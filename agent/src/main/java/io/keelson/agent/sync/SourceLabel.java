package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.Ownership;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Git's object plus the source label that marks it as a source's own (for informers and prune). */
final class SourceLabel {

  private SourceLabel() {}

  /**
   * A copy with the label. Only the metadata is copied: the rest of the content is shared with the render it
   * came from (which nothing writes to), so a sync holds each object's content once, not once per step.
   */
  static DesiredObject labelled(String source, DesiredObject object) {
    GenericKubernetesResource original = object.object();
    ObjectMeta metadata = new ObjectMetaBuilder(original.getMetadata()).build();
    Map<String, String> labels = new HashMap<>(Optional.ofNullable(metadata.getLabels()).orElse(Map.of()));
    labels.put(Ownership.SOURCE_LABEL, source);
    metadata.setLabels(labels);
    GenericKubernetesResource copy = new GenericKubernetesResource();
    copy.setApiVersion(original.getApiVersion());
    copy.setKind(original.getKind());
    copy.setMetadata(metadata);
    copy.setAdditionalProperties(original.getAdditionalProperties());
    return new DesiredObject(object.ref(), copy, object.origin());
  }
}
