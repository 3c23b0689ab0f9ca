package io.keelson.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out section at a tiny size, so that it keeps running: one agent holds all ten sources, three sharded
 * replicas hold them between them within the fair share, and every figure is there. Nothing about speed.
 */
class ScaleOutBenchmarkIT {

  @TempDir Path temp;

  @Test
  void oneAndThreeShardedReplicasSyncTenSourcesEachWithinItsFairShare() {
    BenchOptions options = new BenchOptions(List.of(30), 1, 1, temp.resolve("bench.json"),
        EnumSet.of(Section.SCALE_OUT));

    Report report = BenchmarkRunner.run(options);

    Map<String, Double> values = report.measurements().stream()
        .collect(Collectors.toMap(Measurement::key, Measurement::value));
    assertThat(values.get("scale-out.30.1x.replica-0.sources")).isEqualTo(10);
    List<Double> held = IntStream.range(0, 3).mapToObj(i -> values.get("scale-out.30.3x.replica-" + i + ".sources"))
        .toList();
    assertThat(held).allSatisfy(n -> assertThat(n).isBetween(1.0, 4.0));
    assertThat(held.stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(10);
    for (String replicas : List.of("1x", "3x")) {
      assertThat(values.get("scale-out.30." + replicas + ".seconds")).as(replicas).isPositive();
      assertThat(values.get("scale-out.30." + replicas + ".cpu-seconds")).as(replicas).isPositive();
      assertThat(values.get("scale-out.30." + replicas + ".replica-0.peak-rss")).as(replicas).isPositive();
    }
    assertThat(values.get("scale-out.30.speed-up")).isPositive();
  }
}
