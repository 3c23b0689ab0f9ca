package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The workload a policy governs.
 *
 * @param name the Deployment's name, in the policy's namespace
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetRef(String name) {}
