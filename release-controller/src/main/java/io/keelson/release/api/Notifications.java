package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Where release events (started, step, rolled back, promoted) are posted.
 *
 * @param webhooks URLs receiving a JSON POST per event
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Notifications(List<String> webhooks) {}
