package io.keelson.agent.render;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The parsed output of each render unit (a plain file, a kustomization, a chart) of the previous render,
 * keyed on the Git ids of everything the unit reads, so a commit that does not touch a unit's inputs does
 * not parse or build it again. Only what the last render used is kept, so memory follows the repository.
 * A unit with errors is never kept: a tool that timed out gets another chance.
 */
final class UnitCache {

  private record Entry(String key, ParsedFile parsed) {}

  private Map<String, Entry> previous = new HashMap<>();
  private Map<String, Entry> current = new HashMap<>();
  private long misses;

  /** The unit's documents: from the previous render when its key is the same, else from {@code render}. */
  ParsedFile get(String unit, Optional<String> key, Supplier<ParsedFile> render) {
    Entry kept = previous.get(unit);
    if (key.isPresent() && kept != null && kept.key().equals(key.get())) {
      current.put(unit, kept);
      return kept.parsed();
    }
    misses++;
    ParsedFile parsed = render.get();
    if (key.isPresent() && parsed.errors().isEmpty()) {
      current.put(unit, new Entry(key.get(), parsed));
    }
    return parsed;
  }

  /** Ends a render: what it did not use is dropped. */
  void finish() {
    previous = current;
    current = new HashMap<>();
  }

  /** Units parsed or built (not taken from the cache) since this cache was made. */
  long misses() {
    return misses;
  }
}
