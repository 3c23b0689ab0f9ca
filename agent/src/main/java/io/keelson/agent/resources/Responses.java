package io.keelson.agent.resources;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** Error answers of the API: a status code and one sentence saying what is wrong. */
final class Responses {

  private Responses() {}

  /** Why a mutating call is refused: no token configured (403), or none or a wrong one given (401). */
  static java.util.Optional<Response> refusedBy(io.keelson.agent.auth.BearerTokens tokens, String authorization) {
    if (!tokens.enabled()) {
      return java.util.Optional.of(error(Response.Status.FORBIDDEN, "the API is read-only: no apiToken is configured"));
    }
    if (!tokens.accepts(authorization)) {
      return java.util.Optional.of(error(Response.Status.UNAUTHORIZED,
          "a valid 'Authorization: Bearer <token>' is required"));
    }
    return java.util.Optional.empty();
  }

  static Response error(Response.Status status, String message) {
    return Response.status(status).type(MediaType.APPLICATION_JSON)
        .entity(Map.of("code", status.getStatusCode(), "message", message)).build();
  }

  /**
   * A follower's answer to a request only the leader can carry out (it would trigger nothing here): 503, the
   * leader's identity, and when to try again. Empty on the leader.
   */
  static java.util.Optional<Response> notLeader(io.keelson.agent.leader.LeaderState leadership) {
    if (leadership.isLeader()) {
      return java.util.Optional.empty();
    }
    String leader = leadership.leader() == null ? "" : leadership.leader();
    String message = "this replica does not lead, so it syncs nothing; "
        + (leader.isEmpty() ? "no leader is known yet" : "send it to the leader, " + leader);
    return java.util.Optional.of(Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON)
        .header("Retry-After", Math.max(1, leadership.retryAfter().toSeconds()))
        .entity(Map.of("code", 503, "message", message, "leader", leader)).build());
  }
}
