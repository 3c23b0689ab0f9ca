package io.keelson.agent.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.keelson.agent.api.StatusView.SourceView;
import io.keelson.agent.api.StatusView.SyncView;
import io.keelson.agent.model.Ownership;
import io.keelson.agent.sync.ResourceManager;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the sources' status in the cluster (a ConfigMap in the agent's namespace), so it survives a restart
 * and a follower replica can show what the leader last saw. Only a meaningful change is written: a new
 * state, revision, outcome or error, not every resync's timestamps. With sources sharded across replicas, each
 * source's view is written under a key of its own by a field manager of its own ({@link #writeSource}), so
 * replicas holding different sources never overwrite each other's.
 */
public final class StatusStore {

  private static final Logger LOG = LoggerFactory.getLogger(StatusStore.class);
  static final String NAME = "keelson-status";
  private static final String KEY = "sources.json";
  private static final String SOURCE_KEY = "source.%s.json";
  private static final TypeReference<List<SourceView>> SOURCES = new TypeReference<>() {};

  private final ResourceManager manager;
  private final String namespace;
  private final ObjectMapper json;
  private List<SourceView> lastWritten;
  private final Map<String, SourceView> lastWrittenBySource = new HashMap<>();

  public StatusStore(ResourceManager manager, String namespace, ObjectMapper json) {
    this.manager = manager;
    this.namespace = namespace;
    this.json = json;
  }

  /** The persisted views; empty when none were written yet or the store cannot be read. */
  public synchronized List<SourceView> read() {
    try {
      ConfigMap map = manager.configMap(namespace, NAME).orElse(null);
      if (map == null || map.getData() == null) {
        return List.of();
      }
      Map<String, SourceView> views = new LinkedHashMap<>();
      if (map.getData().containsKey(KEY)) {
        for (SourceView view : json.readValue(map.getData().get(KEY), SOURCES)) {
          views.put(view.name(), view);
        }
      }
      for (Map.Entry<String, String> entry : new TreeMap<>(map.getData()).entrySet()) {
        if (entry.getKey().startsWith("source.") && entry.getKey().endsWith(".json")) {
          SourceView view = json.readValue(entry.getValue(), SourceView.class);
          views.put(view.name(), view);
        }
      }
      return List.copyOf(views.values());
    } catch (KubernetesClientException | JsonProcessingException e) {
      LOG.warn("cannot read the stored status {}/{}: {}", namespace, NAME, e.getMessage());
      return List.of();
    }
  }

  public synchronized void write(List<SourceView> sources) {
    if (lastWritten != null && significant(lastWritten).equals(significant(sources))) {
      return;
    }
    if (apply(KEY, sources, Ownership.FIELD_MANAGER)) {
      lastWritten = List.copyOf(sources);
    }
  }

  /** One source's view, for a replica that holds only some of the sources. */
  public synchronized void writeSource(SourceView view) {
    SourceView last = lastWrittenBySource.get(view.name());
    if (last != null && significant(List.of(last)).equals(significant(List.of(view)))) {
      return;
    }
    if (apply(SOURCE_KEY.formatted(view.name()), view, Ownership.FIELD_MANAGER + "-status-" + view.name())) {
      lastWrittenBySource.put(view.name(), view);
    }
  }

  private boolean apply(String key, Object value, String fieldManager) {
    try {
      ConfigMap map = new ConfigMapBuilder()
          .withNewMetadata().withName(NAME).withNamespace(namespace)
          .withLabels(Map.of("app.kubernetes.io/managed-by", "keelson")).endMetadata()
          .withData(Map.of(key, json.writeValueAsString(value)))
          .build();
      manager.store(map, fieldManager);
      return true;
    } catch (KubernetesClientException | JsonProcessingException e) {
      LOG.warn("cannot store the status in {}/{}: {}", namespace, NAME, e.getMessage());
      return false;
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
