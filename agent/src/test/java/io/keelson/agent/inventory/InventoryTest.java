package io.keelson.agent.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keelson.agent.model.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InventoryTest {

  private static ObjectRef ref(String kind, String namespace, String name) {
    return new ObjectRef(kind.equals("Deployment") ? "apps" : "", "v1", kind, namespace, name);
  }

  @Test
  void staleIsPreviousMinusCurrent() {
    Inventory previous = Inventory.of(List.of(ref("ConfigMap", "a", "x"), ref("Deployment", "a", "y")));
    Inventory current = Inventory.of(List.of(ref("Deployment", "a", "y"), ref("Service", "a", "z")));

    assertThat(previous.staleComparedTo(current)).containsExactly(ref("ConfigMap", "a", "x"));
    assertThat(current.staleComparedTo(previous)).containsExactly(ref("Service", "a", "z"));
  }

  @Test
  void failedDeletesAreMergedBackForTheNextRun() {
    Inventory current = Inventory.of(List.of(ref("Service", "a", "z")));
    assertThat(current.with(Set.of(ref("ConfigMap", "a", "x"))).objects())
        .containsExactlyInAnyOrder(ref("Service", "a", "z"), ref("ConfigMap", "a", "x"));
  }

  @Test
  void theSameObjectUnderAnotherVersionIsNotStale() {
    Inventory previous = Inventory.of(List.of(new ObjectRef("autoscaling", "v1", "HorizontalPodAutoscaler", "a", "h")));
    Inventory current = Inventory.of(List.of(new ObjectRef("autoscaling", "v2", "HorizontalPodAutoscaler", "a", "h")));
    assertThat(previous.staleComparedTo(current)).isEmpty();
  }

  @Test
  void theCodecRoundTripsAndTenThousandObjectsFitInAConfigMap() {
    List<ObjectRef> refs = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      refs.add(new ObjectRef(i % 2 == 0 ? "apps" : "", "v1", i % 2 == 0 ? "Deployment" : "ConfigMap",
          "namespace-" + (i % 50), "service-object-with-a-realistic-name-" + i));
    }
    refs.add(ref("Namespace", null, "shop"));
    Inventory inventory = Inventory.of(refs);

    byte[] stored = InventoryCodec.encode(inventory);
    Inventory decoded = InventoryCodec.decode(stored);

    assertThat(decoded).isEqualTo(inventory);
    assertThat(decoded.objects()).contains(ref("Namespace", null, "shop"));
    // A ConfigMap holds at most 1 MiB, and binaryData is base64 (4/3 larger).
    assertThat(stored.length * 4 / 3).isLessThan(1024 * 1024 / 4);
  }

  @Test
  void aCorruptStoredInventoryIsAClearError() {
    assertThatThrownBy(() -> InventoryCodec.decode(new byte[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not readable");
  }
}
