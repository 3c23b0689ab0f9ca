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

  private ChartJvm() {}

  /** {@code -XX:MaxRAM=<resources.limits.memory>} and then the chart's {@code javaOptions}. */
  public static List<String> options() {
    Path values = ProjectTools.projectRoot().resolve("charts/keelson/values.yaml");
    JsonNode chart;
    try {
      chart = new ObjectMapper(new YAMLFactory()).readTree(values.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + values, e);
    }
    String limit = chart.path("resources").path("limits").path("memory").asText();
    Matcher quantity = QUANTITY.matcher(limit);
    if (!quantity.matches()) {
      throw new IllegalStateException(values + ": resources.limits.memory '" + limit
          + "' is not a whole number of bytes, Ki, Mi or Gi");
    }
    String javaOptions = chart.path("javaOptions").asText().strip();
    if (javaOptions.isEmpty()) {
      throw new IllegalStateException(values + ": javaOptions is missing or empty");
    }
    List<String> options = new ArrayList<>();
    options.add("-XX:MaxRAM=" + quantity.group(1)
        + (quantity.group(2) == null ? "" : UNITS.get(quantity.group(2))));
    options.addAll(List.of(javaOptions.split("\\s+")));
    return List.copyOf(options);
  }
}
