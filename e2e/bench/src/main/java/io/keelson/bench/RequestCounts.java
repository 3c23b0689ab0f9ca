package io.keelson.bench;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requests the API server served, by kind, from its own {@code apiserver_request_total} counter: writes
 * (POST, PUT, PATCH, APPLY, DELETE, DELETECOLLECTION without dry run), dry runs (the same verbs with
 * {@code dry_run} set), reads (everything else: GET, LIST, WATCH) and the total.
 */
public record RequestCounts(long reads, long writes, long dryRuns) {

  private static final String METRIC = "apiserver_request_total";
  private static final Set<String> WRITE_VERBS = Set.of("POST", "PUT", "PATCH", "APPLY", "DELETE", "DELETECOLLECTION");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  public long total() {
    return reads + writes + dryRuns;
  }

  /** What was served between {@code before} and this. */
  public RequestCounts since(RequestCounts before) {
    return new RequestCounts(reads - before.reads, writes - before.writes, dryRuns - before.dryRuns);
  }

  /** Sums the counter's series in a Prometheus text exposition. */
  public static RequestCounts parse(String exposition) {
    long reads = 0;
    long writes = 0;
    long dryRuns = 0;
    for (String line : exposition.split("\n")) {
      if (!line.startsWith(METRIC + "{")) {
        continue;
      }
      int close = line.lastIndexOf('}');
      Map<String, String> labels = labels(line.substring(METRIC.length() + 1, close));
      long value = (long) Double.parseDouble(line.substring(close + 1).strip().split(" ")[0]);
      if (!WRITE_VERBS.contains(labels.getOrDefault("verb", ""))) {
        reads += value;
      } else if (labels.getOrDefault("dry_run", "").isEmpty()) {
        writes += value;
      } else {
        dryRuns += value;
      }
    }
    return new RequestCounts(reads, writes, dryRuns);
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new java.util.HashMap<>();
    Matcher matcher = LABEL.matcher(text);
    while (matcher.find()) {
      labels.put(matcher.group(1), matcher.group(2));
    }
    return labels;
  }
}
