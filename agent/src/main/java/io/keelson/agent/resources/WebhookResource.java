package io.keelson.agent.resources;

import io.keelson.agent.auth.WebhookSignatures;
import io.keelson.agent.metrics.AgentMetrics;
import io.keelson.agent.schedule.SyncScheduler;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * {@code POST /hooks/{source}}: the Git host says something was pushed. A valid GitHub-style HMAC
 * signature or GitLab-style token triggers a sync (202); anything else is refused (401), counted, and
 * triggers nothing.
 */
@Path("/hooks")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {

  private final SyncScheduler scheduler;
  private final Map<String, String> secrets;
  private final AgentMetrics metrics;

  /** {@code secrets}: the webhook secret of each source that accepts webhooks. */
  public WebhookResource(SyncScheduler scheduler, Map<String, String> secrets, AgentMetrics metrics) {
    this.scheduler = scheduler;
    this.secrets = Map.copyOf(secrets);
    this.metrics = metrics;
  }

  @POST
  @Path("/{source}")
  @Consumes(MediaType.WILDCARD)
  public Response receive(@PathParam("source") String source, @HeaderParam("X-Hub-Signature-256") String signature,
      @HeaderParam("X-Gitlab-Token") String gitlabToken, byte[] body) {
    String secret = secrets.get(source);
    if (secret == null) {
      metrics.webhook(source, "unknown_source");
      return Responses.error(Response.Status.NOT_FOUND, "no source named " + source + " accepts webhooks");
    }
    boolean valid = signature != null
        ? WebhookSignatures.validGithubSignature(secret, body == null ? new byte[0] : body, signature)
        : WebhookSignatures.validGitlabToken(secret, gitlabToken);
    if (!valid) {
      metrics.webhook(source, "unauthorized");
      return Responses.error(Response.Status.UNAUTHORIZED,
          "missing or invalid X-Hub-Signature-256 (or X-Gitlab-Token)");
    }
    scheduler.syncNow(source);
    metrics.webhook(source, "accepted");
    return Response.accepted(Map.of("source", source, "triggered", true)).build();
  }
}
