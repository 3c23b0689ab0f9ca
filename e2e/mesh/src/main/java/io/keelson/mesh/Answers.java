package io.keelson.mesh;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Who answered the mesh's callers: answers returned to a caller, per workload and route, and mirrored copies
 * a workload answered and the mesh discarded. Istio's metrics count both alike at the destination (that is
 * what lets a canary's checks see mirrored traffic); these counters tell them apart, so a test can prove that
 * no caller was served by a version.
 */
public final class Answers {

  private record Key(String namespace, String workload, String route) {}

  private final Map<Key, LongAdder> served = new ConcurrentHashMap<>();
  private final Map<Key, LongAdder> mirrored = new ConcurrentHashMap<>();

  void served(RouteDecision decision) {
    if (decision.routed()) {
      count(served, decision.endpoint(), decision.routeName());
    }
  }

  void mirrored(RouteDecision decision) {
    if (decision.mirror() != null && decision.mirror().endpoint() != null) {
      count(mirrored, decision.mirror().endpoint(), decision.routeName());
    }
  }

  /** Answers pods of {@code namespace/workload} returned to callers through route {@code route} (null = any). */
  public long served(String namespace, String workload, String route) {
    return sum(served, namespace, workload, route);
  }

  /** Mirrored copies pods of {@code namespace/workload} answered, answers discarded. */
  public long mirrored(String namespace, String workload) {
    return sum(mirrored, namespace, workload, null);
  }

  private static void count(Map<Key, LongAdder> counts, Endpoint endpoint, String route) {
    counts.computeIfAbsent(new Key(endpoint.namespace(), endpoint.workload(), route == null ? "" : route),
        key -> new LongAdder()).increment();
  }

  private static long sum(Map<Key, LongAdder> counts, String namespace, String workload, String route) {
    return counts.entrySet().stream()
        .filter(entry -> entry.getKey().namespace().equals(namespace) && entry.getKey().workload().equals(workload)
            && (route == null || Objects.equals(entry.getKey().route(), route)))
        .mapToLong(entry -> entry.getValue().sum()).sum();
  }
}
