package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The header-based test route: requests whose header matches reach the canary before it gets any weight.
 *
 * @param header the request header inspected, e.g. "x-canary"
 * @param match how the header value is matched
 * @param duration how long the test route is analysed before weights start, e.g. "2m"
 * @param checks names of {@link Check}s run during the test; absent = all of the policy's checks
 * @param webhook an optional gate: the test passes only if a POST to this URL answers 2xx
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TestRoute(String header, HeaderMatch match, String duration, List<String> checks, String webhook) {

  /**
   * A header match, as Istio's {@code StringMatch}.
   *
   * @param type exact, prefix or regex
   * @param value the value compared against (an RE2 expression for regex)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record HeaderMatch(MatchType type, String value) {}
}
