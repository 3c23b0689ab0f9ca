package io.keelson.agent.resources;

import io.keelson.agent.auth.BearerTokens;
import io.keelson.agent.leader.LeaderState;
import io.keelson.release.controller.ReleaseController;
import io.keelson.release.deploy.PolicyKey;
import io.keelson.release.strategy.ManualAction;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code POST /api/v1/releases/{namespace}/{name}/{action}} — promote, abort, pause, resume, retry — for a
 * bearer-token holder. The request is persisted on the policy and carried out by the next tick; the policy
 * status records who asked, when, and whether it was accepted. {@code X-Keelson-Actor} names the person. A
 * follower answers 503 naming the leader.
 */
@Path("/api/v1/releases")
@Produces(MediaType.APPLICATION_JSON)
public class ReleasesResource {

  private final ReleaseController releases;
  private final BearerTokens tokens;
  private final Consumer<PolicyKey> tickNow;
  private final LeaderState leadership;

  public ReleasesResource(ReleaseController releases, BearerTokens tokens, Consumer<PolicyKey> tickNow,
      LeaderState leadership) {
    this.releases = releases;
    this.tokens = tokens;
    this.tickNow = tickNow;
    this.leadership = leadership;
  }

  @POST
  @Path("/{namespace}/{name}/{action}")
  public Response act(@PathParam("namespace") String namespace, @PathParam("name") String name,
      @PathParam("action") String action, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @HeaderParam("X-Keelson-Actor") String actor) {
    java.util.Optional<Response> refused = Responses.refusedBy(tokens, authorization);
    if (refused.isPresent()) {
      return refused.get();
    }
    ManualAction.Kind kind;
    try {
      kind = ManualAction.Kind.valueOf(action.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      return Responses.error(Response.Status.BAD_REQUEST,
          "unknown action " + action + "; one of promote, abort, pause, resume, retry");
    }
    java.util.Optional<Response> follower = Responses.notLeader(leadership);
    if (follower.isPresent()) {
      return follower.get(); // only the leader writes, and only its ticks carry the action out
    }
    String by = actor == null || actor.isBlank() ? "api" : actor.strip();
    PolicyKey policy = new PolicyKey(namespace, name);
    if (!releases.request(policy, kind, by)) {
      return Responses.error(Response.Status.NOT_FOUND, "no ReleasePolicy " + namespace + "/" + name);
    }
    tickNow.accept(policy);
    return Response.accepted(Map.of("policy", namespace + "/" + name, "action", kind.name().toLowerCase(Locale.ROOT),
        "by", by)).build();
  }
}
