package io.keelson.agent.leader;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Which source Leases one replica takes and which it lets lapse, decided from one look at the Leases. Each
 * replica holds at most its fair share, {@code ceil(sources / live replicas)}, so N live replicas cover every
 * source between them and none takes more than its part. Every replica ranks the sources in an order of its
 * own (rendezvous hashing on its identity), so replicas mostly reach for different free Leases instead of
 * racing for the same one; a race lost costs a conflict answered by the API server, nothing more.
 */
public final class FairShare {

  private FairShare() {}

  /** What one round does: Leases to acquire and held Leases to let lapse. */
  public record Plan(List<String> acquire, List<String> release) {

    public Plan {
      acquire = List.copyOf(acquire);
      release = List.copyOf(release);
    }
  }

  /** The most sources one replica may hold; a replica counts itself live, so the share is never 0 sources. */
  public static int of(int sources, int liveReplicas) {
    int replicas = Math.max(1, liveReplicas);
    return (sources + replicas - 1) / replicas;
  }

  /**
   * @param preferred every source, most preferred first (see {@link #preference})
   * @param held the sources this replica holds
   * @param free the sources nobody holds: no Lease yet, released, or expired
   * @param liveReplicas the replicas that renewed their heartbeat within the lease duration, this one included
   */
  public static Plan decide(List<String> preferred, Set<String> held, Set<String> free, int liveReplicas) {
    int share = of(preferred.size(), liveReplicas);
    List<String> mine = preferred.stream().filter(held::contains).toList();
    if (mine.size() > share) {
      // A replica joined: keep the most preferred, let the rest lapse for the newcomer.
      return new Plan(List.of(), mine.subList(share, mine.size()));
    }
    List<String> take = preferred.stream().filter(source -> free.contains(source) && !held.contains(source))
        .limit(share - mine.size()).toList();
    return new Plan(take, List.of());
  }

  /** {@code sources} in the order {@code identity} prefers them: highest hash of (identity, source) first. */
  public static List<String> preference(String identity, Collection<String> sources) {
    List<String> ordered = new ArrayList<>(sources);
    ordered.sort(Comparator.comparingLong((String source) -> weight(identity, source)).reversed()
        .thenComparing(Comparator.naturalOrder()));
    return List.copyOf(ordered);
  }

  private static long weight(String identity, String source) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((identity + "\n" + source).getBytes(StandardCharsets.UTF_8));
      long weight = 0;
      for (int i = 0; i < Long.BYTES; i++) {
        weight = (weight << 8) | (digest[i] & 0xff);
      }
      return weight;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
