package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What one check measured at one step, kept so that a verdict can be audited later.
 *
 * @param step the step index (0 = test route or mirror, told apart by {@link #windowStart}; 1.. = weighted steps)
 * @param check the check's name
 * @param query the PromQL query as sent, variables substituted
 * @param windowStart RFC 3339 start of the window (when the step's weight took effect)
 * @param windowEnd RFC 3339 end of the window
 * @param value the measured value; absent when none could be read
 * @param samples how many requests the window held
 * @param verdict the check's outcome
 * @param message why, in a sentence (the threshold compared against, or the error)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Evidence(Integer step, String check, String query, String windowStart, String windowEnd,
    Double value, Long samples, Verdict verdict, String message) {}
