package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a new candidate in Git does to a release in progress. */
public enum OnNewCandidate {
  /** Abandon the running release (back to stable), then release the new candidate. */
  @JsonProperty("supersede") SUPERSEDE,
  /** Finish the running release first, then release the newest candidate. */
  @JsonProperty("queue") QUEUE
}
