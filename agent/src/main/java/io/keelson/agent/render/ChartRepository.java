package io.keelson.agent.render;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * An HTTP(S) chart repository a source may pull charts from, with its basic-auth credentials by reference:
 * {@code username} and {@code password} are read each time a chart is pulled (a rotated Secret takes effect
 * at the next render) and are never part of a URL, a message or a tool's arguments or environment.
 *
 * @param url the repository's URL as {@code helmCharts} entries name it in {@code repo}, without user info
 */
public record ChartRepository(String url, Supplier<String> username, Supplier<String> password) {

  public ChartRepository {
    String lower = url.strip().toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      throw new IllegalArgumentException("chart repository " + url + " is not an http(s) URL");
    }
    String authority = lower.substring(lower.indexOf("//") + 2).split("[/?#]", 2)[0];
    if (authority.contains("@")) {
      throw new IllegalArgumentException("a chart repository URL carries user info; give the credentials by"
          + " reference instead");
    }
    url = normalized(url);
  }

  /** Whether a {@code helmCharts} entry's {@code repo} names this repository. */
  boolean serves(String repo) {
    return normalized(repo).equals(url);
  }

  static String normalized(String url) {
    String trimmed = url.strip();
    return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }

  @Override
  public String toString() {
    return url;
  }
}
