package io.keelson.agent.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.keelson.agent.api.StatusView.SourceView;
import io.keelson.agent.api.StatusView.SyncView;
import io.keelson.agent.sync.ResourceManager;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the sources' status in the cluster (a ConfigMap in the agent's namespace), so it survives a restart
 * and a follower replica can show what the leader last saw. Only a meaningful change is written: a new
 * state, revision, outcome or error, not every resync's timestamps.
 */
public final class StatusStore {

  private static final Logger LOG = LoggerFactory.getLogger(StatusStore.class);
  static final String NAME = "keelson-status";
  private static final String KEY = "sources.json";
  private static final TypeReference<List<SourceView>> SOURCES = new TypeReference<>() {};

  private final ResourceManager manager;
  private final String namespace;
  private final ObjectMapper json;
  private List<SourceView> lastWritten;

  public StatusStore(ResourceManager manager, String namespace, ObjectMapper json) {
    this.manager = manager;
    this.namespace = namespace;
    this.json = json;
  }

  /** The persisted views; empty when none were written yet or the store cannot be read. */
  public synchronized List<SourceView> read() {
    try {
      ConfigMap map = manager.configMap(namespace, NAME).orElse(null);
      if (map == null || map.getData() == null || !map.getData().containsKey(KEY)) {
        return List.of();
      }
      return json.readValue(map.getData().get(KEY), SOURCES);
    } catch (KubernetesClientException | JsonProcessingException e) {
      LOG.warn("cannot read the stored status {}/{}: {}", namespace, NAME, e.getMessage());
      return List.of();
    }
  }

  public synchronized void write(List<SourceView> sources) {
    if (lastWritten != null && significant(lastWritten).equals(significant(sources))) {
      return;
    }
    try {
      ConfigMap map = new ConfigMapBuilder()
          .withNewMetadata().withName(NAME).withNamespace(namespace)
          .withLabels(Map.of("app.kubernetes.io/managed-by", "keelson")).endMetadata()
          .withData(Map.of(KEY, json.writeValueAsString(sources)))
          .build();
      manager.store(map);
      lastWritten = List.copyOf(sources);
    } catch (KubernetesClientException | JsonProcessingException e) {
      LOG.warn("cannot store the status in {}/{}: {}", namespace, NAME, e.getMessage());
    }
  }

  /** The views without what changes on every resync. */
  private static List<SourceView> significant(List<SourceView> sources) {
    return sources.stream().map(view -> new SourceView(view.name(), view.url(), view.ref(), view.paths(),
        view.state(), view.notConverged(), view.fetched(), view.applied(), quiet(view.lastSync()), view.stale(),
        view.staleReason(), null, view.errors(), view.driftCorrections(), view.prunes(), view.recentSyncs()))
        .toList();
  }

  private static SyncView quiet(SyncView sync) {
    return sync == null ? null : new SyncView(sync.outcome(), null, 0, sync.summary(), sync.changes(),
        sync.revision());
  }
}
