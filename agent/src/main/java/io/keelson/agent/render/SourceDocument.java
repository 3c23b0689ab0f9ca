package io.keelson.agent.render;

import java.util.Map;

/**
 * One non-empty document of a manifest file, as plain maps, lists and scalars.
 *
 * @param index 1-based position of the document in its file (empty documents count)
 * @param line 1-based line where the document's content starts
 * @param content the parsed value
 * @param mappingLines start line of every mapping in {@code content}, by identity, so that items of a
 *     {@code List} can point at their own line
 */
record SourceDocument(int index, int line, Object content, Map<Object, Integer> mappingLines) {

  /** The same document without line numbers (line 0), for output printed by a tool. */
  SourceDocument withoutLines() {
    return new SourceDocument(index, 0, content, Map.of());
  }

  int lineOf(Object mapping) {
    Integer found = mappingLines.get(mapping);
    return found == null ? line : found;
  }
}
