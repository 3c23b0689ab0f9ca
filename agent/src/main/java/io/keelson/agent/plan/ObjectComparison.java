package io.keelson.agent.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Drift is the server's own answer — the server-side dry-run result of applying Git's object — compared
 * with the live object, never a hand-written matcher of fields. What the server changes on every write
 * (resourceVersion, managedFields and its timestamps, generation) and what controllers own (status) are
 * left out of the comparison.
 */
public final class ObjectComparison {

  private static final List<String> VOLATILE_METADATA = List.of(
      "managedFields", "resourceVersion", "generation", "creationTimestamp", "selfLink", "uid");

  private ObjectComparison() {}

  /** True when applying would change {@code live}; a missing live object always differs. */
  public static boolean differs(Map<String, Object> dryRunResult, Map<String, Object> live) {
    if (live == null) {
      return true;
    }
    return !Objects.equals(comparable(dryRunResult), comparable(live));
  }

  /**
   * SHA-256 of what {@link #differs} compares: equal for two objects exactly when neither differs from the other
   * (up to a hash collision), so a cache can keep the fingerprint instead of the object.
   */
  public static String fingerprint(Map<String, Object> object) {
    return DesiredHash.of(comparable(object));
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> comparable(Map<String, Object> object) {
    Map<String, Object> copy = new LinkedHashMap<>(object);
    copy.remove("status");
    Object metadata = copy.get("metadata");
    if (metadata instanceof Map<?, ?> map) {
      Map<String, Object> trimmed = new LinkedHashMap<>((Map<String, Object>) map);
      VOLATILE_METADATA.forEach(trimmed::remove);
      copy.put("metadata", trimmed);
    }
    return copy;
  }
}
