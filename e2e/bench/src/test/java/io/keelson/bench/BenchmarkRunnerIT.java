package io.keelson.bench;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The benchmark end to end at a tiny size, every section included but scale-out (its own test, {@link
 * ScaleOutBenchmarkIT}), so that it keeps running: the JSON has every section and its figures are sane. It
 * asserts nothing about speed.
 */
class BenchmarkRunnerIT {

  @TempDir Path temp;

  @Test
  void everySectionReportsSaneFiguresAtATinySize() throws Exception {
    Path out = temp.resolve("bench.json");
    BenchOptions options = new BenchOptions(List.of(30), 3, 3, out,
        EnumSet.complementOf(EnumSet.of(Section.SCALE_OUT)));

    Report report = BenchmarkRunner.run(options);

    JsonNode json = new ObjectMapper().readTree(out.toFile());
    Map<String, Double> values = new HashMap<>();
    for (JsonNode m : json.path("measurements")) {
      values.put(m.path("key").asText(), m.path("value").asDouble());
    }
    assertThat(json.path("measurements").findValuesAsText("section"))
        .contains("cold-sync", "no-op-resync", "one-object-change", "drift", "rollback", "memory", "render");
    assertThat(json.path("definitions").size()).isEqualTo(Section.values().length - 1);
    assertThat(values.get("cold-sync.30.keelson.seconds")).isPositive();
    assertThat(values.get("cold-sync.30.keelson.writes")).isGreaterThanOrEqualTo(30);
    assertThat(values.get("cold-sync.30.kubectl.seconds")).isPositive();
    assertThat(values.get("cold-sync.30.kubectl.writes")).isGreaterThanOrEqualTo(30);
    assertThat(values.get("cold-sync.30.ratio")).isPositive();
    assertThat(values.get("no-op-resync.30.writes")).isZero();
    assertThat(values.get("no-op-resync.30.seconds")).isPositive();
    assertThat(values.get("no-op-resync.30.requests")).isPositive();
    assertThat(values.get("one-object-change.webhook.p50")).isPositive();
    assertThat(values.get("one-object-change.polling.p95")).isPositive()
        .isLessThan(SyncBenchmark.POLL_INTERVAL.toSeconds() + 30);
    assertThat(values.get("drift.p50")).isPositive();
    assertThat(values.get("drift.uncorrected")).as("edits the agent never put back").isLessThan(3);
    assertThat(values.get("rollback.seconds")).isPositive().isLessThan(60);
    assertThat(values.get("rollback.gateway-api.seconds")).isPositive().isLessThan(60);
    assertThat(values.get("memory.30.rss")).isGreaterThan(values.get("memory.30.heap")).isPositive();
    for (String kind : List.of("plain", "kustomize", "helm")) {
      assertThat(values.get("render.30." + kind + ".seconds")).as(kind).isPositive();
    }
    assertThat(values.get("render.30.kustomize.tool-cpu")).isPositive();
    assertThat(report.table()).contains("| cold-sync | kubectl apply --server-side of 30, wall |");
  }
}
