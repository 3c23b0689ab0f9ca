package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A finished release.
 *
 * @param release which release
 * @param phase how it ended: Succeeded or Failed
 * @param finishedAt RFC 3339 time it ended
 * @param reason why it ended that way, in a sentence
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryEntry(ReleaseIdentity release, ReleasePhase phase, String finishedAt, String reason) {}
