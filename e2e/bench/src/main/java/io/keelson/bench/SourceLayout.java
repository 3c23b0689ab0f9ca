package io.keelson.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * How one size's objects are spread over sources: one source up to {@link #ONE_SOURCE_LIMIT} objects; above
 * it, {@link #MANY_SOURCES} sources of equal share, as a platform of that size splits its repository. Source
 * {@code i} renders {@code apps/part-i} of one repository (just {@code apps} when there is one source), and the
 * Namespaces and the objects that commits change and drift edits live in the first.
 */
record SourceLayout(String name, int count) {

  static final int ONE_SOURCE_LIMIT = 5000;
  static final int MANY_SOURCES = 10;

  SourceLayout {
    if (count < 1) {
      throw new IllegalArgumentException("a layout needs at least one source, not " + count);
    }
  }

  static SourceLayout forSize(String name, int size) {
    return new SourceLayout(name, size > ONE_SOURCE_LIMIT ? MANY_SOURCES : 1);
  }

  List<String> names() {
    return count == 1 ? List.of(name) : IntStream.range(0, count).mapToObj(i -> name + "-" + i).toList();
  }

  /** Source {@code i}'s directory under {@link BenchRepo#PATH}: empty for a single source. */
  String part(int i) {
    return count == 1 ? "" : "part-" + i;
  }

  /** Source {@code i}'s path in the repository. */
  String path(int i) {
    return count == 1 ? BenchRepo.PATH : BenchRepo.PATH + "/" + part(i);
  }

  /**
   * What is committed before the objects: the Namespaces, in the first source, and in each other source a
   * marker ConfigMap in namespace default, so that every source's path exists and renders something from the
   * start (an empty or missing path is an error to Flux). The markers stay in every later commit.
   */
  Map<String, String> seed(String prefix) {
    Map<String, String> files = under(0, Manifests.namespaces(prefix));
    for (int i = 1; i < count; i++) {
      files.putAll(under(i, Map.of("00-marker.yaml", """
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: %s-%s
            namespace: default
          data: {}
          """.formatted(name, part(i)))));
    }
    return files;
  }

  /** {@code size} objects (under {@link BenchRepo#PATH}), source {@code i} holding the i-th equal share. */
  Map<String, String> objects(String prefix, int size, String value) {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      files.putAll(under(i, Manifests.objects(prefix, first(i, size), first(i + 1, size), value)));
    }
    return files;
  }

  /** The file of ConfigMap {@code index} (in the first source) with {@code value}. */
  Map<String, String> configMapFile(String prefix, int index, String value) {
    return under(0, Manifests.configMapFile(prefix, index, value));
  }

  private int first(int source, int size) {
    return (int) ((long) source * size / count);
  }

  private Map<String, String> under(int i, Map<String, String> files) {
    Map<String, String> placed = new LinkedHashMap<>();
    String dir = count == 1 ? "" : part(i) + "/";
    files.forEach((path, content) -> placed.put(dir + path, content));
    return placed;
  }
}
