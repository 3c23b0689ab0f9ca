package io.keelson.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's JVM as the Helm chart starts it by default, read from the chart's values so that an agent run
 * as a plain process (the sandbox's, the benchmark's) gets the JVM a pod gets: the chart's {@code javaOptions}
 * (which ChartIT keeps equal to the image's), with {@code -XX:MaxRAM} standing for the container's memory limit.
 */
public final class ChartJvm {

  private static final Pattern QUANTITY = Pattern.compile("(\\d+)(Ki|Mi|Gi)?");
  private static final Map<String, String> UNITS = Map.of("Ki", "k", "Mi", "m", "Gi", "g");

  private static final String VALUES = "charts/keelson/values.yaml";

  private ChartJvm() {}

  /** {@code -XX:MaxRAM=<resources.limits.memory>} and then the chart's {@code javaOptions}. */
  public static List<String> options() {
    JsonNode chart = values();
    String limit = chart.path("resources").path("limits").path("memory").asText();
    Matcher quantity = QUANTITY.matcher(limit);
    if (!quantity.matches()) {
      throw new IllegalStateException(VALUES + ": resources.limits.memory '" + limit
          + "' is not a whole number of bytes, Ki, Mi or Gi");
    }
    List<String> options = new ArrayList<>();
    options.add("-XX:MaxRAM=" + quantity.group(1)
        + (quantity.group(2) == null ? "" : UNITS.get(quantity.group(2))));
    options.addAll(List.of(javaOptions(chart).split("\\s+")));
    return List.copyOf(options);
  }

  /** The chart's {@code javaOptions}, as written in its values. */
  public static String javaOptions() {
    return javaOptions(values());
  }

  private static String javaOptions(JsonNode chart) {
    String javaOptions = chart.path("javaOptions").asText().strip();
    if (javaOptions.isEmpty()) {
      throw new IllegalStateException(VALUES + ": javaOptions is missing or empty");
    }
    return javaOptions;
  }

  private static JsonNode values() {
    Path values = ProjectTools.projectRoot().resolve(VALUES);
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(values.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + values, e);
    }
  }
}
