package io.keelson.agent.checks;

import com.codahale.metrics.health.HealthCheck;
import io.keelson.agent.api.StatusView.SourceView;
import io.keelson.agent.status.StatusService;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reports which sources cannot reach Git (stale). It informs the health endpoint; it is not meant as a
 * liveness probe, because restarting the agent does not make a Git server reachable.
 */
public class SourcesHealthCheck extends HealthCheck {

  private final StatusService status;

  public SourcesHealthCheck(StatusService status) {
    this.status = status;
  }

  @Override
  protected Result check() {
    List<SourceView> stale = status.live().stream().filter(SourceView::stale).toList();
    if (stale.isEmpty()) {
      return Result.healthy(status.live().size() + " source(s), none stale");
    }
    return Result.unhealthy(stale.stream().map(s -> s.name() + ": " + s.staleReason())
        .collect(Collectors.joining("; ")));
  }
}
