package io.keelson.agent.leader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How many sources a replica takes, which it takes, and which it lets go when replicas come and go. */
class FairShareTest {

  private static final List<String> TWELVE = IntStream.rangeClosed(1, 12).mapToObj(i -> "source-" + i).toList();

  @ParameterizedTest(name = "{0} sources over {1} live replicas: at most {2} each")
  @CsvSource({"12,3,4", "12,2,6", "10,3,4", "1,3,1", "12,1,12", "0,3,0", "12,0,12", "5,5,1", "5,8,1"})
  void theShareIsTheSourcesDividedByTheLiveReplicasRoundedUp(int sources, int live, int share) {
    assertThat(FairShare.of(sources, live)).isEqualTo(share);
  }

  @Test
  void aReplicaTakesFreeSourcesUpToItsShareInItsOwnOrder() {
    List<String> preferred = FairShare.preference("agent-a", TWELVE);
    FairShare.Plan plan = FairShare.decide(preferred, Set.of(), Set.copyOf(TWELVE), 3);
    assertThat(plan.acquire()).isEqualTo(preferred.subList(0, 4));
    assertThat(plan.release()).isEmpty();
  }

  @Test
  void aReplicaAtItsShareTakesNothingMoreAndOneBelowItTakesOnlyFreeSources() {
    List<String> preferred = FairShare.preference("agent-a", TWELVE);
    Set<String> held = Set.copyOf(preferred.subList(0, 4));
    assertThat(FairShare.decide(preferred, held, Set.copyOf(preferred.subList(4, 12)), 3).acquire()).isEmpty();

    // A replica died: the share grows to 6 and only what nobody holds is taken.
    Set<String> free = Set.of(preferred.get(11), preferred.get(10), preferred.get(9));
    FairShare.Plan plan = FairShare.decide(preferred, held, free, 2);
    assertThat(plan.acquire()).containsExactly(preferred.get(9), preferred.get(10));
  }

  @Test
  void aReplicaOverItsShareLetsItsLeastPreferredSourcesLapse() {
    List<String> preferred = FairShare.preference("agent-a", TWELVE);
    // Alone at first, it took everything; two more replicas joined.
    FairShare.Plan plan = FairShare.decide(preferred, Set.copyOf(TWELVE), Set.of(), 3);
    assertThat(plan.release()).isEqualTo(preferred.subList(4, 12));
    assertThat(plan.acquire()).isEmpty();
  }

  @Test
  void replicasDecidingInTurnCoverEverySourceWithoutExceedingTheirShare() {
    List<String> replicas = List.of("agent-a", "agent-b", "agent-c");
    Map<String, Set<String>> held = new HashMap<>();
    Set<String> free = new HashSet<>(TWELVE);
    for (int round = 0; round < 3 && !free.isEmpty(); round++) {
      for (String replica : replicas) {
        Set<String> mine = held.computeIfAbsent(replica, r -> new HashSet<>());
        List<String> taken = FairShare.decide(FairShare.preference(replica, TWELVE), mine, free, 3).acquire();
        mine.addAll(taken);
        taken.forEach(free::remove);
      }
    }
    assertThat(free).isEmpty();
    assertThat(held.values()).allSatisfy(mine -> assertThat(mine).hasSize(4));
  }

  @Test
  void replicasPreferDifferentSources() {
    List<String> a = FairShare.preference("agent-a", TWELVE);
    List<String> b = FairShare.preference("agent-b", TWELVE);
    assertThat(a).containsExactlyInAnyOrderElementsOf(TWELVE).isNotEqualTo(b);
    assertThat(FairShare.preference("agent-a", TWELVE)).as("stable across rounds and restarts").isEqualTo(a);
  }
}
