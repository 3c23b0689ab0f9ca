package io.keelson.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's results: measurements in the order taken, the definitions of how each section measures
 * and the settings it used, rendered as a Markdown table and as JSON.
 */
public final class Report {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final List<Measurement> measurements = new ArrayList<>();
  private final Map<String, String> definitions = new LinkedHashMap<>();
  private final Map<String, Object> environment = new LinkedHashMap<>();

  public synchronized void add(Measurement measurement) {
    measurements.add(measurement);
    System.out.printf("  %-58s %s%n", measurement.metric(), measurement.shownValue());
  }

  /** How a section's figures are measured, printed under the table. */
  public synchronized void define(Section section, String definition) {
    definitions.merge(section.id(), definition, (a, b) -> a + " " + b);
  }

  public synchronized void environment(String key, Object value) {
    environment.put(key, value);
  }

  public synchronized List<Measurement> measurements() {
    return List.copyOf(measurements);
  }

  /** The value measured under {@code key}, if it was. */
  public synchronized java.util.Optional<Double> value(String key) {
    return measurements.stream().filter(m -> m.key().equals(key)).map(Measurement::value).findFirst();
  }

  /** The table: one row per measurement, with its target and whether it was met. */
  public synchronized String table() {
    StringBuilder out = new StringBuilder("| section | metric | value | target | met? |\n|---|---|---|---|---|\n");
    for (Measurement m : measurements) {
      out.append("| ").append(m.section()).append(" | ").append(m.metric()).append(" | ").append(m.shownValue())
          .append(" | ").append(m.target()).append(" | ").append(m.shownMet()).append(" |\n");
    }
    return out.toString();
  }

  public synchronized String definitionsText() {
    StringBuilder out = new StringBuilder();
    definitions.forEach((section, text) -> out.append("- ").append(section).append(": ").append(text).append('\n'));
    return out.toString();
  }

  public synchronized void writeJson(Path file) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("environment", environment);
    document.put("definitions", definitions);
    document.put("measurements", measurements);
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      JSON.writeValue(file.toFile(), document);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
