package io.keelson.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark with Flux as its peer at a tiny size, so the peer's side keeps running. Flux's controllers take a
 * quarter of an hour to build and only the benchmark builds them ({@code e2e/bin/bench --peer flux}, or
 * {@code e2e/bin/flux}): where they are not cached, this test is skipped. Drift is left out (Flux puts it back
 * only at its interval, a minute here). It asserts nothing about speed.
 */
class FluxPeerIT {

  @TempDir Path temp;

  @Test
  void fluxSyncsTheSameObjectsAndEveryRowIsComparedWithKeelson() throws Exception {
    assumeTrue(FluxPeer.cachedBinaries().isPresent(),
        "Flux's controllers are not built here; e2e/bin/flux (or e2e/bin/bench --peer flux) builds them");
    Path out = temp.resolve("bench.json");
    BenchOptions options = new BenchOptions(List.of(30), 2, 2, out,
        EnumSet.of(Section.COLD_SYNC, Section.NO_OP_RESYNC, Section.ONE_OBJECT_CHANGE, Section.MEMORY), true);

    BenchmarkRunner.run(options);

    Map<String, Double> values = new HashMap<>();
    for (JsonNode m : new ObjectMapper().readTree(out.toFile()).path("measurements")) {
      values.put(m.path("key").asText(), m.path("value").asDouble());
    }
    assertThat(values.get("cold-sync.30.flux.seconds")).isPositive();
    assertThat(values.get("cold-sync.30.flux.writes")).as("Flux wrote every object").isGreaterThanOrEqualTo(30);
    assertThat(values.get("cold-sync.30.flux.cpu-seconds")).isPositive();
    assertThat(values.get("no-op-resync.30.flux.writes")).isZero();
    assertThat(values.get("no-op-resync.30.flux.seconds")).isPositive();
    assertThat(values.get("no-op-resync.30.flux.dry-runs")).as("Flux dry-runs every object again")
        .isGreaterThanOrEqualTo(30);
    assertThat(values.get("one-object-change.flux.p50")).isPositive();
    assertThat(values.get("memory.30.flux.peak-rss")).isGreaterThanOrEqualTo(values.get("memory.30.flux.rss"))
        .isPositive();
    for (String ratio : List.of("cold-sync.30.flux-ratio", "cold-sync.30.flux-cpu-ratio", "no-op-resync.30.flux-ratio",
        "no-op-resync.30.flux-cpu-ratio", "memory.30.flux-ratio", "one-object-change.flux-ratio")) {
      assertThat(values.get(ratio)).as(ratio).isPositive();
    }
  }
}
