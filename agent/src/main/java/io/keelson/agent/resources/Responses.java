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
}
