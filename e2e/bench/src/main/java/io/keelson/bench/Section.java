package io.keelson.bench;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The benchmark's sections, by the names {@code --only} and the JSON use. */
public enum Section {
  COLD_SYNC("cold-sync"),
  NO_OP_RESYNC("no-op-resync"),
  ONE_OBJECT_CHANGE("one-object-change"),
  DRIFT("drift"),
  ROLLBACK("rollback"),
  MEMORY("memory"),
  RENDER("render"),
  SCALE_OUT("scale-out");

  private final String id;

  Section(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  static Section byName(String name) {
    return Arrays.stream(values()).filter(s -> s.id.equals(name)).findFirst().orElse(null);
  }

  static String names() {
    return Arrays.stream(values()).map(Section::id).collect(Collectors.joining(", "));
  }
}
