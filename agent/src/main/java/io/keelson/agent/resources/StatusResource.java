package io.keelson.agent.resources;

import io.keelson.agent.api.StatusView;
import io.keelson.agent.status.StatusService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/v1/status}: everything the on-call engineer needs, as JSON. */
@Path("/api/v1/status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

  private final StatusService status;

  public StatusResource(StatusService status) {
    this.status = status;
  }

  @GET
  public StatusView status() {
    return status.current();
  }
}
