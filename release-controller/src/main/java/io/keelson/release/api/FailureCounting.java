package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether failed checks count towards the threshold only in an unbroken run, or over the whole release. */
public enum FailureCounting {
  @JsonProperty("consecutive") CONSECUTIVE,
  @JsonProperty("cumulative") CUMULATIVE
}
