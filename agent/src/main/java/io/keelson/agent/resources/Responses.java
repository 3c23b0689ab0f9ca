package io.keelson.agent.resources;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** Error answers of the API: a status code and one sentence saying what is wrong. */
final class Responses {

  private Responses() {}

  static Response error(Response.Status status, String message) {
    return Response.status(status).type(MediaType.APPLICATION_JSON)
        .entity(Map.of("code", status.getStatusCode(), "message", message)).build();
  }
}
