package io.keelson.bench;

/**
 * One figure of the benchmark: a stable key (for the JSON and the smoke test), what it is, its value and
 * unit, the target it is held to (empty when none) and whether the target was met (null when none).
 */
public record Measurement(String section, String key, String metric, double value, String unit, String target,
    Boolean met) {

  /** A figure without a target. */
  public static Measurement figure(Section section, String key, String metric, double value, String unit) {
    return new Measurement(section.id(), key, metric, value, unit, "", null);
  }

  /** A figure held to a target: met when {@code met} holds. */
  public static Measurement judged(Section section, String key, String metric, double value, String unit,
      String target, boolean met) {
    return new Measurement(section.id(), key, metric, value, unit, target, met);
  }

  /** The value as the table shows it: whole numbers without decimals, others with two. */
  String shownValue() {
    String number = value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value) : String.format(java.util.Locale.ROOT, "%.2f", value);
    return unit.isEmpty() ? number : number + " " + unit;
  }

  String shownMet() {
    return met == null ? "" : met ? "yes" : "**no**";
  }
}
