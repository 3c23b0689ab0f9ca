package io.keelson.release.model;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Duration strings as policies write them ("500ms", "30s", "5m", "1h30m"); the CRD uses the same pattern. */
public final class Durations {

  /** The pattern the CRD schema enforces on every duration field. */
  public static final Pattern PATTERN = Pattern.compile("^([0-9]+(ms|s|m|h))+$");
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

  private Durations() {}

  /** The duration {@code text} denotes, or empty when it does not match {@link #PATTERN}. */
  public static Optional<Duration> parse(String text) {
    if (text == null || !PATTERN.matcher(text).matches()) {
      return Optional.empty();
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(text);
    try {
      while (part.find()) {
        long amount = Long.parseLong(part.group(1));
        total = total.plus(switch (part.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        });
      }
    } catch (NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
    return Optional.of(total);
  }
}
