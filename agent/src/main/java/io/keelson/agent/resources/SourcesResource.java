package io.keelson.agent.resources;

import io.keelson.agent.auth.BearerTokens;
import io.keelson.agent.leader.LeaderState;
import io.keelson.agent.schedule.SyncScheduler;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * {@code POST /api/v1/sources/{name}/sync}: a manual sync, for a bearer-token holder. Only the leader syncs: a
 * follower answers 503 naming the leader (of that source, when sources are sharded across replicas).
 */
@Path("/api/v1/sources")
@Produces(MediaType.APPLICATION_JSON)
public class SourcesResource {

  private final SyncScheduler scheduler;
  private final BearerTokens tokens;
  private final LeaderState leadership;

  public SourcesResource(SyncScheduler scheduler, BearerTokens tokens, LeaderState leadership) {
    this.scheduler = scheduler;
    this.tokens = tokens;
    this.leadership = leadership;
  }

  @POST
  @Path("/{name}/sync")
  public Response sync(@PathParam("name") String name, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    java.util.Optional<Response> refused = Responses.refusedBy(tokens, authorization);
    if (refused.isPresent()) {
      return refused.get();
    }
    if (!scheduler.knows(name)) {
      return Responses.error(Response.Status.NOT_FOUND, "no source named " + name);
    }
    java.util.Optional<Response> follower = Responses.notLeader(leadership.forSource(name));
    if (follower.isPresent()) {
      return follower.get();
    }
    if (!scheduler.syncNow(name)) {
      return Responses.error(Response.Status.NOT_FOUND, "no source named " + name);
    }
    return Response.accepted(Map.of("source", name, "triggered", true)).build();
  }
}
