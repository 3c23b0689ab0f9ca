package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The mirrored-traffic phase, between the test route and the first weight: a copy of a share of production
 * requests is sent to the canary and its answer discarded, so the canary meets production-shaped traffic
 * before any user is served by it.
 *
 * @param percentage the share of production requests copied to the canary, 1–100
 * @param duration how long the mirrored traffic is analysed before the first weight, e.g. "2m"; absent = the
 *     steps' interval
 * @param checks names of {@link Check}s run on the mirrored traffic; absent = all of the policy's checks
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Mirror(Integer percentage, String duration, List<String> checks) {}
