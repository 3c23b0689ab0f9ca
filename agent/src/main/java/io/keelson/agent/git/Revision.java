package io.keelson.agent.git;

import java.time.Instant;

/** One commit of the source: its id, author, the first line of its message and its commit time. */
public record Revision(String sha, String author, String message, Instant time) {}
