package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.agent.inventory.Inventory;
import io.keelson.agent.inventory.InventoryCodec;
import io.keelson.agent.model.Ownership;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps each source's inventory durably in the cluster, as a compressed ConfigMap in the agent's
 * namespace, so a restarted agent still knows what it applied and prunes nothing wrongly.
 */
public final class InventoryStore {

  static final String KEY = "inventory.gz";
  private static final String REVISION_KEY = "revision";

  private final KubernetesClient client;
  private final String namespace;

  public InventoryStore(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** A stored inventory and the revision it was written for. */
  public record Stored(Inventory inventory, String revision) {}

  public Optional<Stored> read(String source) {
    ConfigMap map = client.configMaps().inNamespace(namespace).withName(name(source)).get();
    if (map == null || map.getBinaryData() == null || !map.getBinaryData().containsKey(KEY)) {
      return Optional.empty();
    }
    Inventory inventory = InventoryCodec.decode(Base64.getDecoder().decode(map.getBinaryData().get(KEY)));
    String revision = map.getData() == null ? "" : map.getData().getOrDefault(REVISION_KEY, "");
    return Optional.of(new Stored(inventory, revision));
  }

  /** Writes the inventory unless it is already stored as is (a no-op sync writes nothing). */
  public void write(String source, Inventory inventory, String revision) {
    Optional<Stored> current = read(source);
    if (current.isPresent() && current.get().inventory().equals(inventory) && current.get().revision().equals(revision)) {
      return;
    }
    ConfigMap map = new ConfigMapBuilder()
        .withNewMetadata().withName(name(source)).withNamespace(namespace)
        .withLabels(Map.of("app.kubernetes.io/managed-by", "keelson", "keelson.io/inventory-of", source))
        .endMetadata()
        .withData(Map.of(REVISION_KEY, revision))
        .withBinaryData(Map.of(KEY, Base64.getEncoder().encodeToString(InventoryCodec.encode(inventory))))
        .build();
    client.resource(map).fieldManager(Ownership.FIELD_MANAGER).forceConflicts().serverSideApply();
  }

  static String name(String source) {
    return "keelson-inventory-" + source;
  }
}
