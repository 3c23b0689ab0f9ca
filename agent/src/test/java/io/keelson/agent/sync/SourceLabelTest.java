package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.model.Origin;
import io.keelson.agent.model.Ownership;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceLabelTest {

  @Test
  void labelsACopyThatSharesTheContentAndLeavesTheRenderAsItWas() {
    GenericKubernetesResource rendered = new GenericKubernetesResource();
    rendered.setApiVersion("v1");
    rendered.setKind("ConfigMap");
    rendered.setMetadata(new ObjectMetaBuilder().withName("cart").withNamespace("shop")
        .withLabels(Map.of("app", "cart")).build());
    rendered.setAdditionalProperties(new LinkedHashMap<>(Map.of("data", Map.of("key", "value"))));
    DesiredObject object = new DesiredObject(ObjectRef.of(rendered), rendered, Origin.ofFile("cart.yaml"));

    DesiredObject labelled = SourceLabel.labelled("shop", object);

    assertThat(labelled.object().getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(Map.of("app", "cart", Ownership.SOURCE_LABEL, "shop"));
    assertThat(rendered.getMetadata().getLabels()).containsExactlyEntriesOf(Map.of("app", "cart"));
    // The render is cached for the next sync: its content is shared, never held twice.
    assertThat(labelled.object().getAdditionalProperties()).isSameAs(rendered.getAdditionalProperties());
    assertThat(labelled.object().getMetadata()).isNotSameAs(rendered.getMetadata());
    assertThat(labelled.ref()).isEqualTo(object.ref());
  }
}
