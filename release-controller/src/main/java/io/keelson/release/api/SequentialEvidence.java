package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where the sequential test of one metric stands at one step, as of the last look that moved it.
 *
 * @param step the step index (0 = test route, 1.. = weighted steps)
 * @param test what counts as a failure: {@code errors} (5xx) or {@code latency} (slower than the threshold)
 * @param windowStart RFC 3339: when the step's routing took effect; the counts start there
 * @param lookedAt RFC 3339: the look that produced {@link #eValue}
 * @param eValue the evidence that the canary fails more often than stable (1 = none); absent when too large
 *     for a number (the message says)
 * @param boundary 1/α: the test rolls back once the e-value reaches it
 * @param rejected whether it did
 * @param message the e-value against its boundary and the counts it was computed from
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SequentialEvidence(Integer step, String test, String windowStart, String lookedAt, Double eValue,
    Double boundary, Boolean rejected, String message) {}
