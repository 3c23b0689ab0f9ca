package io.keelson.mesh;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The parameters of a path's query string, first value of each name, decoded. */
final class QueryString {

  private QueryString() {}

  static Map<String, String> parse(String path) {
    Map<String, String> params = new LinkedHashMap<>();
    int start = path.indexOf('?');
    if (start < 0) {
      return params;
    }
    for (String pair : path.substring(start + 1).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.putIfAbsent(name, value);
    }
    return params;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }
}
