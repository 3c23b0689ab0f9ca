package io.keelson.release.traffic;

/**
 * The outcome of comparing a live object with its desired state.
 *
 * @param desired the object to write when {@link #modified}
 * @param modified whether the live object differs from {@link #desired} in a field the release controller
 *     owns (or does not exist), i.e. whether a write is needed
 * @param <T> the object's type
 */
public record Reconciled<T>(T desired, boolean modified) {}
