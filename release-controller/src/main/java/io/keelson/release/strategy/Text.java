package io.keelson.release.strategy;

import java.math.BigDecimal;
import java.time.Duration;

/** Durations and numbers as people read them in messages: "45s", "1m30s", "2h"; "3.2", "12000". */
final class Text {

  private Text() {}

  static String number(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  static String duration(Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      return "0s";
    }
    if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
      return duration.toMillis() + "ms";
    }
    long seconds = (duration.toMillis() + 999) / 1000;
    StringBuilder out = new StringBuilder();
    if (seconds >= 3600) {
      out.append(seconds / 3600).append('h');
    }
    if (seconds % 3600 >= 60) {
      out.append(seconds % 3600 / 60).append('m');
    }
    if (seconds % 60 != 0) {
      out.append(seconds % 60).append('s');
    }
    return out.toString();
  }
}
