package io.keelson.agent.render;

import io.keelson.agent.render.sops.SopsDecryptor;
import io.keelson.agent.render.sops.SopsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decrypts SOPS-encrypted documents (a top-level {@code sops} mapping), so that validation sees the plaintext
 * objects; other documents pass unchanged. Kustomize keeps the {@code sops} field of a resource it reads, so
 * an encrypted file listed in a kustomization is decrypted from the build's output too.
 */
public final class SopsStage implements DocumentStage {

  private final SopsDecryptor decryptor;

  public SopsStage(SopsDecryptor decryptor) {
    this.decryptor = Objects.requireNonNull(decryptor, "decryptor");
  }

  @Override
  public Outcome apply(String file, List<Object> documents) {
    if (!SopsDecryptor.isEncrypted(documents)) {
      return new Outcome.Kept(documents);
    }
    try {
      return new Outcome.Kept(new ArrayList<>(decryptor.decrypt(file, documents)));
    } catch (SopsException e) {
      return new Outcome.Refused(e.reason());
    }
  }
}
