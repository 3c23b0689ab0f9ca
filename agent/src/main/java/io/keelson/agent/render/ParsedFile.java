package io.keelson.agent.render;

import io.keelson.agent.model.RenderError;
import java.util.List;

/** The documents read from one file and the errors that stopped or spoiled the reading. */
record ParsedFile(List<SourceDocument> documents, List<RenderError> errors) {}
