package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a test route header value is matched (Istio StringMatch). */
public enum MatchType {
  @JsonProperty("exact") EXACT,
  @JsonProperty("prefix") PREFIX,
  @JsonProperty("regex") REGEX
}
