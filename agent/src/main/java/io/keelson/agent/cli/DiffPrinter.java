package io.keelson.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.keelson.agent.plan.Action;
import io.keelson.agent.plan.ObjectComparison;
import io.keelson.agent.sync.ChangePreview;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints a {@link ChangePreview.Preview} for a reviewer: per object that would change, a line saying what
 * happens to it and a unified diff of the live object against the server's dry-run result (keys sorted;
 * status and what the server changes on every write left out, as the agent's own comparison does); then one
 * summary line. Secret values are masked unless asked for; a changed one reads {@code ***** (before)} and
 * {@code ***** (after)}, so the reviewer sees which key changed and never its value.
 */
final class DiffPrinter {

  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build()).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private DiffPrinter() {}

  static String print(ChangePreview.Preview preview, boolean showSecrets) {
    StringBuilder out = new StringBuilder();
    Map<Action, Integer> counts = new TreeMap<>();
    for (ChangePreview.Entry entry : preview.entries()) {
      counts.merge(entry.action(), 1, Integer::sum);
      if (entry.action() == Action.UNCHANGED) {
        continue;
      }
      out.append(entry.ref()).append(' ').append(verb(entry.action()))
          .append(entry.note().isEmpty() ? "" : " (" + entry.note() + ")").append('\n');
      if (entry.changes()) {
        Map<String, Object> before = entry.live() == null ? null : ObjectComparison.comparable(entry.live());
        Map<String, Object> after = entry.result() == null ? null : ObjectComparison.comparable(entry.result());
        if (!showSecrets) {
          Map<String, Object> live = before;
          before = SecretMask.masked(before, after, " (before)");
          after = SecretMask.masked(after, live, " (after)");
        }
        out.append(UnifiedDiff.of(lines(before), lines(after),
            before == null ? "/dev/null" : "live " + entry.ref(),
            after == null ? "/dev/null" : "synced " + entry.ref()));
      }
    }
    preview.pruneRefusal().ifPresent(refusal -> out.append(refusal).append('\n'));
    List<String> summary = new ArrayList<>();
    counts.forEach((action, count) -> summary.add(count + " " + verb(action)));
    out.append(preview.entries().isEmpty() ? "no objects" : String.join(", ", summary)).append('\n');
    return out.toString();
  }

  private static String verb(Action action) {
    return switch (action) {
      case CREATED -> "would be created";
      case CONFIGURED -> "would be configured";
      case DELETED -> "would be pruned";
      case SKIPPED -> "left alone";
      default -> action.word();
    };
  }

  private static List<String> lines(Map<String, Object> object) {
    if (object == null) {
      return List.of();
    }
    try {
      return YAML.writeValueAsString(object).lines().toList();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
