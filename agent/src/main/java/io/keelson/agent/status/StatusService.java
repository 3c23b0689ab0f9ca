package io.keelson.agent.status;

import io.keelson.agent.api.StatusView;
import io.keelson.agent.api.StatusView.ReleaseView;
import io.keelson.agent.api.StatusView.SourceView;
import io.keelson.agent.leader.LeaderState;
import io.keelson.agent.source.SourceController;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Builds the status the endpoint serves: the leader's live views, or on a follower the views the leader
 * last stored in the cluster. With sources sharded across replicas, the live view of each source this replica
 * holds and the stored view of the others.
 */
public final class StatusService {

  private final String agent;
  private final String version;
  private final List<SourceController> sources;
  private final StatusStore store;
  private final LeaderState leadership;
  private final Supplier<List<ReleaseView>> releases;
  private final Clock clock;

  public StatusService(String agent, String version, List<SourceController> sources, StatusStore store,
      LeaderState leadership, Supplier<List<ReleaseView>> releases, Clock clock) {
    this.agent = agent;
    this.version = version;
    this.sources = List.copyOf(sources);
    this.store = store;
    this.leadership = leadership;
    this.releases = releases;
    this.clock = clock;
  }

  public StatusView current() {
    boolean leader = leadership.isLeader();
    List<SourceView> views = leader ? live() : store.read();
    if (leader && sources.stream().anyMatch(source -> !leads(source))) {
      Map<String, SourceView> stored = store.read().stream()
          .collect(Collectors.toMap(SourceView::name, Function.identity(), (a, b) -> b));
      views = sources.stream().map(source -> leads(source) ? Optional.of(source.view())
          : Optional.ofNullable(stored.get(source.name()))).flatMap(Optional::stream).toList();
    }
    return new StatusView(agent, version, clock.instant(), leader, leadership.leader(), views, releases.get());
  }

  private boolean leads(SourceController source) {
    return leadership.forSource(source.name()).isLeader();
  }

  /** The live views of every source, as persisted after each change. */
  public List<SourceView> live() {
    return sources.stream().map(SourceController::view).toList();
  }
}
