package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * The canary's traffic weights. Exactly one of {@link #weights} or {@link #stepWeight} is set.
 *
 * @param weights explicit canary weights in percent, strictly increasing, each 0–100
 * @param stepWeight the increment of a linear progression, in percent (at least 1)
 * @param maxWeight the last weight of a linear progression before promotion (at most 100; default 50)
 * @param interval how long each step is analysed, e.g. "30s"
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Steps(List<Integer> weights, Integer stepWeight, Integer maxWeight, String interval) {

  /** The linear progression's last weight when {@link #maxWeight} is absent. */
  public static final int DEFAULT_MAX_WEIGHT = 50;

  /** The weights the canary is stepped through, explicit or expanded from stepWeight/maxWeight. */
  public List<Integer> effectiveWeights() {
    if (weights != null) {
      return List.copyOf(weights);
    }
    if (stepWeight == null || stepWeight < 1) {
      return List.of();
    }
    int max = maxWeight == null ? DEFAULT_MAX_WEIGHT : maxWeight;
    List<Integer> expanded = new ArrayList<>();
    for (int weight = stepWeight; weight < max; weight += stepWeight) {
      expanded.add(weight);
    }
    expanded.add(max);
    return List.copyOf(expanded);
  }
}
