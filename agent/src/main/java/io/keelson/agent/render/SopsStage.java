package io.keelson.agent.render;

import io.keelson.agent.model.Origin;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.render.sops.SopsDecryptor;
import io.keelson.agent.render.sops.SopsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decrypts a SOPS-encrypted manifest file (a top-level {@code sops} mapping) right after it is parsed, so that
 * validation and every later stage see the plaintext objects; other files pass unchanged.
 */
final class SopsStage {

  private final SopsDecryptor decryptor;

  SopsStage(SopsDecryptor decryptor) {
    this.decryptor = Objects.requireNonNull(decryptor, "decryptor");
  }

  ParsedFile apply(String file, ParsedFile parsed) {
    List<Object> contents = parsed.documents().stream().map(SourceDocument::content).toList();
    if (!SopsDecryptor.isEncrypted(contents)) {
      return parsed;
    }
    if (!parsed.errors().isEmpty()) {
      // The file is rejected anyway; its encrypted values are not worth validating.
      return new ParsedFile(List.of(), parsed.errors());
    }
    List<Map<String, Object>> decrypted;
    try {
      decrypted = decryptor.decrypt(file, contents);
    } catch (SopsException e) {
      return new ParsedFile(List.of(), List.of(new RenderError(Origin.ofFile(file), e.reason())));
    }
    List<SourceDocument> documents = new ArrayList<>(decrypted.size());
    for (int i = 0; i < decrypted.size(); i++) {
      SourceDocument source = parsed.documents().get(i);
      if (decrypted.get(i) != null) {
        // Nested mappings are new values: their lines fall back to the document's.
        documents.add(new SourceDocument(source.index(), source.line(), decrypted.get(i), Map.of()));
      }
    }
    return new ParsedFile(documents, List.of());
  }
}
