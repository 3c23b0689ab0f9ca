package io.keelson.bench;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requests the API server served, by kind, from its own {@code apiserver_request_total} counter: writes
 * (POST, PUT, PATCH, APPLY, DELETE, DELETECOLLECTION without dry run), dry runs (the same verbs with
 * {@code dry_run} set), reads (everything else: GET, LIST, WATCH) and the total. Writes to Leases are
 * counted apart: leader election renews its Lease every retry period whatever a sync does.
 */
public record RequestCounts(long reads, long writes, long dryRuns, long leaseWrites,
    Map<String, Long> writesByResource) {

  public RequestCounts {
    writesByResource = Map.copyOf(writesByResource);
  }

  public RequestCounts(long reads, long writes, long dryRuns, long leaseWrites) {
    this(reads, writes, dryRuns, leaseWrites, Map.of());
  }

  private static final String METRIC = "apiserver_request_total";
  private static final Set<String> WRITE_VERBS = Set.of("POST", "PUT", "PATCH", "APPLY", "DELETE", "DELETECOLLECTION");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  public long total() {
    return reads + writes + dryRuns + leaseWrites;
  }

  /** What was served between {@code before} and this. */
  public RequestCounts since(RequestCounts before) {
    Map<String, Long> byResource = new TreeMap<>();
    writesByResource.forEach((resource, count) -> {
      long delta = count - before.writesByResource.getOrDefault(resource, 0L);
      if (delta != 0) {
        byResource.put(resource, delta);
      }
    });
    return new RequestCounts(reads - before.reads, writes - before.writes, dryRuns - before.dryRuns,
        leaseWrites - before.leaseWrites, byResource);
  }

  /** Sums the counter's series in a Prometheus text exposition. */
  public static RequestCounts parse(String exposition) {
    long reads = 0;
    long writes = 0;
    long dryRuns = 0;
    long leaseWrites = 0;
    Map<String, Long> byResource = new TreeMap<>();
    for (String line : exposition.split("\n")) {
      if (!line.startsWith(METRIC + "{")) {
        continue;
      }
      int close = line.lastIndexOf('}');
      Map<String, String> labels = labels(line.substring(METRIC.length() + 1, close));
      long value = (long) Double.parseDouble(line.substring(close + 1).strip().split(" ")[0]);
      if (!WRITE_VERBS.contains(labels.getOrDefault("verb", ""))) {
        reads += value;
      } else if (!labels.getOrDefault("dry_run", "").isEmpty()) {
        dryRuns += value;
      } else if ("leases".equals(labels.get("resource"))) {
        leaseWrites += value;
      } else {
        writes += value;
        byResource.merge(labels.get("verb") + " " + labels.getOrDefault("resource", ""), value, Long::sum);
      }
    }
    return new RequestCounts(reads, writes, dryRuns, leaseWrites, byResource);
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
