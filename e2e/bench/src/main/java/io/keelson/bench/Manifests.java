package io.keelson.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The benchmark's desired state: N objects, three ConfigMaps to one headless Service to one Deployment,
 * spread over a few namespaces, one object per file (path → YAML). Services are headless so that thousands
 * of them do not exhaust the test API server's small service IP range.
 */
final class Manifests {

  static final int NAMESPACES = 4;
  /** The ConfigMap that commits change and the one that drift edits. */
  static final int CHANGED = 0;
  static final int DRIFTED = 1;
  /** Every benchmark object carries it. */
  static final String LABEL = "app.kubernetes.io/part-of";

  private Manifests() {}

  static String namespace(String prefix, int index) {
    return prefix + "-" + (index % NAMESPACES);
  }

  static String configMapName(int index) {
    return "config-" + index;
  }

  /** The Namespace objects, in one file sorted before the objects' directories. */
  static Map<String, String> namespaces(String prefix) {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < NAMESPACES; i++) {
      yaml.append("""
          ---
          apiVersion: v1
          kind: Namespace
          metadata:
            name: %s
          """.formatted(namespace(prefix, i)));
    }
    return Map.of("00-namespaces.yaml", yaml.toString());
  }

  /** {@code count} objects; object {@link #CHANGED} holds {@code value}. */
  static Map<String, String> objects(String prefix, int count, String value) {
    return objects(prefix, 0, count, value);
  }

  /** Objects {@code first} (inclusive) to {@code end} (exclusive) of a numbering shared by every source. */
  static Map<String, String> objects(String prefix, int first, int end, String value) {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = first; i < end; i++) {
      String ns = namespace(prefix, i);
      switch (i % 5) {
        case 3 -> files.put(ns + "/service-" + i + ".yaml", service(ns, i));
        case 4 -> files.put(ns + "/deployment-" + i + ".yaml", deployment(ns, i));
        default -> files.put(ns + "/" + configMapName(i) + ".yaml", configMap(ns, i, i == CHANGED ? value : "v0"));
      }
    }
    return files;
  }

  /** The file of ConfigMap {@code index} with {@code value}, for a one-object change. */
  static Map<String, String> configMapFile(String prefix, int index, String value) {
    String ns = namespace(prefix, index);
    return Map.of(ns + "/" + configMapName(index) + ".yaml", configMap(ns, index, value));
  }

  static String configMap(String ns, int index, String value) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: %s
          namespace: %s
          labels: {app.kubernetes.io/part-of: bench}
        data:
          value: "%s"
          payload: "%s"
        """.formatted(configMapName(index), ns, value, "x".repeat(200));
  }

  private static String service(String ns, int index) {
    return """
        apiVersion: v1
        kind: Service
        metadata:
          name: service-%1$d
          namespace: %2$s
          labels: {app.kubernetes.io/part-of: bench}
        spec:
          clusterIP: None
          selector: {app: app-%1$d}
          ports:
            - name: http
              port: 80
              targetPort: 8080
        """.formatted(index, ns);
  }

  private static String deployment(String ns, int index) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app-%1$d
          namespace: %2$s
          labels: {app.kubernetes.io/part-of: bench}
        spec:
          replicas: 1
          selector:
            matchLabels: {app: app-%1$d}
          template:
            metadata:
              labels: {app: app-%1$d}
            spec:
              containers:
                - name: app
                  image: registry.invalid/bench/app:1.0
                  ports: [{containerPort: 8080}]
                  resources:
                    requests: {cpu: 10m, memory: 16Mi}
        """.formatted(index, ns);
  }
}
