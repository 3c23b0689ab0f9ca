package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.keelson.agent.inventory.Inventory;
import io.keelson.agent.inventory.InventoryCodec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps each source's inventory durably in the cluster, as a compressed ConfigMap in the agent's
 * namespace, so a restarted agent still knows what it applied and prunes nothing wrongly.
 */
public final class InventoryStore {

  static final String KEY = "inventory.gz";

  private final ResourceManager manager;
  private final String namespace;

  public InventoryStore(ResourceManager manager, String namespace) {
    this.manager = manager;
    this.namespace = namespace;
  }

  public Optional<Inventory> read(String source) {
    ConfigMap map = manager.configMap(namespace, name(source)).orElse(null);
    if (map == null || map.getBinaryData() == null || !map.getBinaryData().containsKey(KEY)) {
      return Optional.empty();
    }
    return Optional.of(InventoryCodec.decode(Base64.getDecoder().decode(map.getBinaryData().get(KEY))));
  }

  /**
   * Writes the inventory unless {@code stored} (what this sync read or last wrote) already is it: a sync that
   * changes no object writes nothing, and reads nothing more. (The applied revision is the status' business,
   * not the inventory's.)
   *
   * @return what is stored now
   */
  public Optional<Inventory> write(String source, Inventory inventory, Optional<Inventory> stored) {
    if (stored.filter(inventory::equals).isPresent()) {
      return stored;
    }
    ConfigMap map = new ConfigMapBuilder()
        .withNewMetadata().withName(name(source)).withNamespace(namespace)
        .withLabels(Map.of("app.kubernetes.io/managed-by", "keelson", "keelson.io/inventory-of", source))
        .endMetadata()
        .withBinaryData(Map.of(KEY, Base64.getEncoder().encodeToString(InventoryCodec.encode(inventory))))
        .build();
    manager.store(map);
    return Optional.of(inventory);
  }

  static String name(String source) {
    return "keelson-inventory-" + source;
  }
}
