package io.keelson.agent.status;

import io.keelson.agent.api.StatusView;
import io.keelson.agent.api.StatusView.ReleaseView;
import io.keelson.agent.api.StatusView.SourceView;
import io.keelson.agent.leader.LeaderState;
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
  private final Supplier<List<SourceView>> sources;
  private final StatusStore store;
  private final LeaderState leadership;
  private final Supplier<List<ReleaseView>> releases;
  private final Clock clock;

  /** @param sources this replica's live view of every source */
  public StatusService(String agent, String version, Supplier<List<SourceView>> sources, StatusStore store,
      LeaderState leadership, Supplier<List<ReleaseView>> releases, Clock clock) {
    this.agent = agent;
    this.version = version;
    this.sources = sources;
    this.store = store;
    this.leadership = leadership;
    this.releases = releases;
    this.clock = clock;
  }

  public StatusView current() {
    boolean leader = leadership.isLeader();
    List<SourceView> views = leader ? live() : store.read();
    if (leader && views.stream().anyMatch(view -> !leads(view))) {
      Map<String, SourceView> stored = store.read().stream()
          .collect(Collectors.toMap(SourceView::name, Function.identity(), (a, b) -> b));
      views = views.stream().map(view -> leads(view) ? Optional.of(view) : Optional.ofNullable(stored.get(view.name())))
          .flatMap(Optional::stream).toList();
    }
    return new StatusView(agent, version, clock.instant(), leader, leadership.leader(), views, releases.get());
  }

  private boolean leads(SourceView source) {
    return leadership.forSource(source.name()).isLeader();
  }

  /** The live views of every source, as persisted after each change. */
  public List<SourceView> live() {
    return sources.get();
  }
}
