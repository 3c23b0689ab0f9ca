package io.keelson.agent.health;

import io.keelson.agent.model.ObjectRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads readiness from an object's own status, the way kubectl rollout status does: Deployments,
 * StatefulSets, DaemonSets and Jobs by their counters; anything else by a {@code Ready} condition if it
 * has one; everything else is ready once it exists.
 */
public final class HealthAssessor {

  /** The spec fields {@link #assess} compares with status. */
  private static final List<String> SPEC_READ = List.of("replicas", "completions");

  private HealthAssessor() {}

  /**
   * Of an object's content (its fields besides apiVersion, kind and metadata), all that {@link #assess} reads:
   * the whole status and the few spec fields it compares with it. With the object's metadata.generation, that is
   * assessed as the whole object is, so a cache of thousands of objects can keep this instead.
   */
  public static Map<String, Object> read(Map<String, Object> content) {
    Map<String, Object> read = new LinkedHashMap<>(2);
    Map<String, Object> spec = map(content.get("spec"));
    Map<String, Object> specRead = new LinkedHashMap<>(2);
    for (String field : SPEC_READ) {
      if (spec.containsKey(field)) {
        specRead.put(field, spec.get(field));
      }
    }
    if (!specRead.isEmpty()) {
      read.put("spec", specRead);
    }
    if (content.get("status") != null) {
      read.put("status", content.get("status"));
    }
    return read;
  }

  public static Health assess(ObjectRef ref, Map<String, Object> live) {
    if (live == null) {
      return new Health(ref, Health.State.PROGRESSING, "not found");
    }
    Map<String, Object> status = map(live.get("status"));
    Map<String, Object> spec = map(live.get("spec"));
    String group = ref.group();
    if (group.equals("apps") && ref.kind().equals("Deployment")) {
      return deployment(ref, live, spec, status);
    }
    if (group.equals("apps") && ref.kind().equals("StatefulSet")) {
      return statefulSet(ref, live, spec, status);
    }
    if (group.equals("apps") && ref.kind().equals("DaemonSet")) {
      return daemonSet(ref, live, status);
    }
    if (group.equals("batch") && ref.kind().equals("Job")) {
      return job(ref, spec, status);
    }
    return readyCondition(ref, status);
  }

  private static Health deployment(ObjectRef ref, Map<String, Object> live, Map<String, Object> spec,
      Map<String, Object> status) {
    long wanted = number(spec.get("replicas"), 1);
    long updated = number(status.get("updatedReplicas"), 0);
    long available = number(status.get("availableReplicas"), 0);
    long total = number(status.get("replicas"), 0);
    Optional<Map<String, Object>> progressing = condition(status, "Progressing");
    String reason = progressing.map(c -> String.valueOf(c.get("reason"))).orElse("");
    String counts = available + "/" + wanted + " available";
    if ("ProgressDeadlineExceeded".equals(reason)) {
      return new Health(ref, Health.State.FAILED, counts + " (ProgressDeadlineExceeded)");
    }
    if (!observed(live, status)) {
      return new Health(ref, Health.State.PROGRESSING, counts + " (spec change not yet observed)");
    }
    if (updated < wanted || total > updated || available < wanted) {
      return new Health(ref, Health.State.PROGRESSING,
          counts + ", " + updated + "/" + wanted + " updated" + (reason.isEmpty() ? "" : " (" + reason + ")"));
    }
    return new Health(ref, Health.State.READY, counts);
  }

  private static Health statefulSet(ObjectRef ref, Map<String, Object> live, Map<String, Object> spec,
      Map<String, Object> status) {
    long wanted = number(spec.get("replicas"), 1);
    long ready = number(status.get("readyReplicas"), 0);
    Object current = status.get("currentRevision");
    Object update = status.get("updateRevision");
    String counts = ready + "/" + wanted + " ready";
    if (!observed(live, status) || ready < wanted || (update != null && !update.equals(current))) {
      return new Health(ref, Health.State.PROGRESSING, counts + (update != null && !update.equals(current)
          ? ", rolling to revision " + update : ""));
    }
    return new Health(ref, Health.State.READY, counts);
  }

  private static Health daemonSet(ObjectRef ref, Map<String, Object> live, Map<String, Object> status) {
    long wanted = number(status.get("desiredNumberScheduled"), 0);
    long ready = number(status.get("numberReady"), 0);
    long updated = number(status.get("updatedNumberScheduled"), 0);
    String counts = ready + "/" + wanted + " ready";
    if (!observed(live, status) || ready < wanted || updated < wanted) {
      return new Health(ref, Health.State.PROGRESSING, counts + ", " + updated + "/" + wanted + " updated");
    }
    return new Health(ref, Health.State.READY, counts);
  }

  private static Health job(ObjectRef ref, Map<String, Object> spec, Map<String, Object> status) {
    if (isTrue(condition(status, "Failed"))) {
      return new Health(ref, Health.State.FAILED, "failed (" + reasonOf(condition(status, "Failed")) + ")");
    }
    long completions = number(spec.get("completions"), 1);
    long succeeded = number(status.get("succeeded"), 0);
    if (isTrue(condition(status, "Complete")) || succeeded >= completions) {
      return new Health(ref, Health.State.READY, succeeded + "/" + completions + " succeeded");
    }
    return new Health(ref, Health.State.PROGRESSING, succeeded + "/" + completions + " succeeded");
  }

  private static Health readyCondition(ObjectRef ref, Map<String, Object> status) {
    Optional<Map<String, Object>> ready = condition(status, "Ready");
    if (ready.isEmpty()) {
      return new Health(ref, Health.State.READY, "exists");
    }
    if (isTrue(ready)) {
      return new Health(ref, Health.State.READY, "Ready");
    }
    String message = String.valueOf(ready.get().getOrDefault("message", ""));
    return new Health(ref, Health.State.PROGRESSING, "not Ready (" + reasonOf(ready)
        + (message.isEmpty() ? "" : ": " + message) + ")");
  }

  private static boolean observed(Map<String, Object> live, Map<String, Object> status) {
    long generation = number(map(live.get("metadata")).get("generation"), 0);
    return number(status.get("observedGeneration"), -1) >= generation;
  }

  private static Optional<Map<String, Object>> condition(Map<String, Object> status, String type) {
    if (!(status.get("conditions") instanceof List<?> conditions)) {
      return Optional.empty();
    }
    return conditions.stream().map(HealthAssessor::map).filter(c -> type.equals(c.get("type"))).findFirst();
  }

  private static boolean isTrue(Optional<Map<String, Object>> condition) {
    return condition.map(c -> "True".equals(c.get("status"))).orElse(false);
  }

  private static String reasonOf(Optional<Map<String, Object>> condition) {
    return condition.map(c -> String.valueOf(c.getOrDefault("reason", "no reason"))).orElse("no reason");
  }

  private static long number(Object value, long fallback) {
    return value instanceof Number n ? n.longValue() : fallback;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
