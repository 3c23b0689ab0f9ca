package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Which release this is: the same template from the same revision released again is a new attempt.
 *
 * @param templateHash {@code TemplateHash} of the pod template released
 * @param revision the Git revision that declared it
 * @param attempt 1 for the first release of this template, incremented on every retry
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReleaseIdentity(String templateHash, String revision, Integer attempt) {}
