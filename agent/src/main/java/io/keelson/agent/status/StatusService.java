package io.keelson.agent.status;

import io.keelson.agent.api.StatusView;
import io.keelson.agent.api.StatusView.ReleaseView;
import io.keelson.agent.api.StatusView.SourceView;
import io.keelson.agent.leader.Leadership;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds the status the endpoint serves: the leader's live views, or on a follower the views the leader
 * last stored in the cluster.
 */
public final class StatusService {

  private final String agent;
  private final String version;
  private final Supplier<List<SourceView>> sources;
  private final StatusStore store;
  private final Leadership leadership;
  private final Supplier<List<ReleaseView>> releases;
  private final Clock clock;

  /** @param sources the leader's live view of every source */
  public StatusService(String agent, String version, Supplier<List<SourceView>> sources, StatusStore store,
      Leadership leadership, Supplier<List<ReleaseView>> releases, Clock clock) {
    this.agent = agent;
    this.version = version;
    this.sources = sources;
    this.store = store;
    this.leadership = leadership;
    this.releases = releases;
    this.clock = clock;
  }

  public StatusView current() {
    boolean leader = leadership == null || leadership.isLeader();
    List<SourceView> views = leader ? live() : store.read();
    return new StatusView(agent, version, clock.instant(), leader, leadership == null ? agent : leadership.leader(),
        views, releases.get());
  }

  /** The live views of every source, as persisted after each change. */
  public List<SourceView> live() {
    return sources.get();
  }
}
