package io.keelson.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.model.ObjectRef;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HealthAssessorTest {

  private static final ObjectRef DEPLOYMENT = new ObjectRef("apps", "v1", "Deployment", "shop", "cart");
  private static final ObjectRef STATEFUL_SET = new ObjectRef("apps", "v1", "StatefulSet", "shop", "db");
  private static final ObjectRef DAEMON_SET = new ObjectRef("apps", "v1", "DaemonSet", "shop", "agent");
  private static final ObjectRef JOB = new ObjectRef("batch", "v1", "Job", "shop", "migrate");
  private static final ObjectRef WIDGET = new ObjectRef("example.com", "v1", "Widget", "shop", "w");
  private static final ObjectRef CONFIG_MAP = new ObjectRef("", "v1", "ConfigMap", "shop", "c");

  private static Map<String, Object> object(long generation, Map<String, Object> spec, Map<String, Object> status) {
    return Map.of("metadata", Map.of("generation", generation), "spec", spec, "status", status);
  }

  private static Map<String, Object> condition(String type, String status, String reason) {
    return Map.of("type", type, "status", status, "reason", reason);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("deployment fully available", DEPLOYMENT, object(2, Map.of("replicas", 3), Map.of(
            "observedGeneration", 2, "replicas", 3, "updatedReplicas", 3, "availableReplicas", 3)),
            Health.State.READY, "3/3 available"),
        Arguments.of("deployment rolling", DEPLOYMENT, object(2, Map.of("replicas", 3), Map.of(
            "observedGeneration", 2, "replicas", 3, "updatedReplicas", 3, "availableReplicas", 1)),
            Health.State.PROGRESSING, "1/3 available, 3/3 updated"),
        Arguments.of("deployment past its deadline", DEPLOYMENT, object(2, Map.of("replicas", 3), Map.of(
            "observedGeneration", 2, "availableReplicas", 1, "conditions",
            List.of(condition("Progressing", "False", "ProgressDeadlineExceeded")))),
            Health.State.FAILED, "1/3 available (ProgressDeadlineExceeded)"),
        Arguments.of("deployment change not yet observed", DEPLOYMENT, object(3, Map.of("replicas", 1), Map.of(
            "observedGeneration", 2, "replicas", 1, "updatedReplicas", 1, "availableReplicas", 1)),
            Health.State.PROGRESSING, "spec change not yet observed"),
        Arguments.of("statefulset ready", STATEFUL_SET, object(1, Map.of("replicas", 2), Map.of(
            "observedGeneration", 1, "readyReplicas", 2, "currentRevision", "r1", "updateRevision", "r1")),
            Health.State.READY, "2/2 ready"),
        Arguments.of("statefulset rolling", STATEFUL_SET, object(1, Map.of("replicas", 2), Map.of(
            "observedGeneration", 1, "readyReplicas", 2, "currentRevision", "r1", "updateRevision", "r2")),
            Health.State.PROGRESSING, "rolling to revision r2"),
        Arguments.of("daemonset partly ready", DAEMON_SET, object(1, Map.of(), Map.of("observedGeneration", 1,
            "desiredNumberScheduled", 3, "numberReady", 2, "updatedNumberScheduled", 3)),
            Health.State.PROGRESSING, "2/3 ready"),
        Arguments.of("job complete", JOB, object(1, Map.of("completions", 1), Map.of("succeeded", 1)),
            Health.State.READY, "1/1 succeeded"),
        Arguments.of("job failed", JOB, object(1, Map.of(), Map.of("conditions",
            List.of(condition("Failed", "True", "BackoffLimitExceeded")))),
            Health.State.FAILED, "failed (BackoffLimitExceeded)"),
        Arguments.of("custom resource not ready", WIDGET, object(1, Map.of(), Map.of("conditions",
            List.of(condition("Ready", "False", "Provisioning")))),
            Health.State.PROGRESSING, "not Ready (Provisioning)"),
        Arguments.of("custom resource ready", WIDGET, object(1, Map.of(), Map.of("conditions",
            List.of(condition("Ready", "True", "Done")))), Health.State.READY, "Ready"),
        Arguments.of("configmap exists", CONFIG_MAP, Map.of("data", Map.of()), Health.State.READY, "exists"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void assessesReadinessFromTheObjectsOwnStatus(String name, ObjectRef ref, Map<String, Object> live,
      Health.State state, String message) {
    Health health = HealthAssessor.assess(ref, live);

    assertThat(health.state()).isEqualTo(state);
    assertThat(health.message()).contains(message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theLineNamesTheObject(String name, ObjectRef ref, Map<String, Object> live, Health.State state,
      String message) {
    assertThat(HealthAssessor.assess(ref, live).toString()).startsWith(ref + ": ");
  }

  /** The drift watcher's cache keeps {@link HealthAssessor#read} of each object and the generation, not the object. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void whatItReadsIsAssessedAsTheWholeObject(String name, ObjectRef ref, Map<String, Object> live,
      Health.State state, String message) {
    Map<String, Object> projection = new java.util.HashMap<>(HealthAssessor.read(live));
    if (live.containsKey("metadata")) {
      projection.put("metadata", live.get("metadata"));
    }

    assertThat(HealthAssessor.assess(ref, projection)).isEqualTo(HealthAssessor.assess(ref, live));
  }

  @org.junit.jupiter.api.Test
  void readsNoMoreOfTheSpecThanTheCountsItComparesWithStatus() {
    Map<String, Object> job = Map.of("spec", Map.of("completions", 2, "template", Map.of("spec", Map.of())),
        "status", Map.of("succeeded", 1));

    assertThat(HealthAssessor.read(job)).isEqualTo(Map.of("spec", Map.of("completions", 2),
        "status", Map.of("succeeded", 1)));
    assertThat(HealthAssessor.read(Map.of("data", Map.of("colour", "blue")))).isEmpty();
  }
}
