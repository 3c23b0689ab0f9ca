package io.keelson.agent.resources;

import io.keelson.agent.auth.WebhookSignatures;
import io.keelson.agent.leader.LeaderState;
import io.keelson.agent.metrics.AgentMetrics;
import io.keelson.agent.schedule.SyncScheduler;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /hooks/{source}}: the Git host says something was pushed. A valid GitHub-style HMAC
 * signature or GitLab-style token triggers a sync (202); anything else is refused (401), counted, and
 * triggers nothing. A follower replica syncs nothing, so it answers a valid webhook with 503 naming the
 * leader (the source's, when sources are sharded). An unknown source is 404 and counted nowhere (metric labels come only from the configuration); a
 * body over {@link #MAX_BODY} is 413, refused before it is read whole.
 */
@Path("/hooks")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {

  /** Push payloads of GitHub and GitLab are far smaller; the limit keeps memory bounded. */
  public static final int MAX_BODY = 1024 * 1024;

  private final SyncScheduler scheduler;
  private final Map<String, String> secrets;
  private final AgentMetrics metrics;
  private final LeaderState leadership;

  /** {@code secrets}: the webhook secret of each source that accepts webhooks. */
  public WebhookResource(SyncScheduler scheduler, Map<String, String> secrets, AgentMetrics metrics,
      LeaderState leadership) {
    this.scheduler = scheduler;
    this.secrets = Map.copyOf(secrets);
    this.metrics = metrics;
    this.leadership = leadership;
  }

  @POST
  @Path("/{source}")
  @Consumes(MediaType.WILDCARD)
  public Response receive(@PathParam("source") String source, @HeaderParam("X-Hub-Signature-256") String signature,
      @HeaderParam("X-Gitlab-Token") String gitlabToken, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length,
      InputStream body) throws IOException {
    String secret = secrets.get(source);
    if (secret == null) {
      return Responses.error(Response.Status.NOT_FOUND, "no source named " + source + " accepts webhooks");
    }
    Optional<byte[]> payload = length != null && length > MAX_BODY ? Optional.empty() : readAtMost(body, MAX_BODY);
    if (payload.isEmpty()) {
      drainAtMost(body, 2 * MAX_BODY);
      metrics.webhook(source, "too_large");
      return Responses.error(Response.Status.REQUEST_ENTITY_TOO_LARGE,
          "a webhook body may hold at most " + MAX_BODY + " bytes");
    }
    boolean valid = signature != null
        ? WebhookSignatures.validGithubSignature(secret, payload.get(), signature)
        : WebhookSignatures.validGitlabToken(secret, gitlabToken);
    if (!valid) {
      metrics.webhook(source, "unauthorized");
      return Responses.error(Response.Status.UNAUTHORIZED,
          "missing or invalid X-Hub-Signature-256 (or X-Gitlab-Token)");
    }
    Optional<Response> follower = Responses.notLeader(leadership.forSource(source));
    if (follower.isPresent()) {
      metrics.webhook(source, "not_leader");
      return follower.get();
    }
    scheduler.syncNow(source);
    metrics.webhook(source, "accepted");
    return Response.accepted(Map.of("source", source, "triggered", true)).build();
  }

  /** The body, or empty when it holds more than {@code limit} bytes (reading stops there). */
  private static Optional<byte[]> readAtMost(InputStream body, int limit) throws IOException {
    if (body == null) {
      return Optional.of(new byte[0]);
    }
    byte[] read = body.readNBytes(limit + 1);
    return read.length > limit ? Optional.empty() : Optional.of(read);
  }

  /**
   * Reads and discards up to {@code limit} more bytes, so that a client sending a little too much gets to read
   * the 413 instead of a connection reset (a server that closes with unread bytes makes the kernel send RST,
   * which throws away the response the client has not read yet). A body larger still is cut off.
   */
  private static void drainAtMost(InputStream body, int limit) throws IOException {
    if (body == null) {
      return;
    }
    byte[] buffer = new byte[16 * 1024];
    int drained = 0;
    int read;
    while (drained < limit && (read = body.read(buffer, 0, Math.min(buffer.length, limit - drained))) > 0) {
      drained += read;
    }
  }
}
