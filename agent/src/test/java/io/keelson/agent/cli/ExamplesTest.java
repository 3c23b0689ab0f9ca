package io.keelson.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.model.Rendered;
import io.keelson.agent.render.ManifestRenderer;
import io.keelson.agent.render.ReleaseAwareRenderStage;
import io.keelson.agent.render.RenderOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example desired state and policies render cleanly, release checks included, as a config repo's CI would. */
class ExamplesTest {

  @Test
  void theExamplesRenderWithoutErrors() {
    Path root = projectRoot();

    Rendered rendered = new ReleaseAwareRenderStage().apply(new ManifestRenderer(RenderOptions.defaults("default"))
        .render(root, List.of("manifests", "policies"), new OfflineKindScopes()), Map.of()).rendered();

    assertThat(rendered.errors()).isEmpty();
    assertThat(rendered.objects()).extracting(o -> o.ref().kind() + " " + o.ref().name())
        .contains("Namespace shop", "Gateway shop", "Deployment cart", "Service checkout",
            "Secret payment-gateway", "ReleasePolicy cart", "ReleasePolicy checkout");
    assertThat(rendered.objects()).allSatisfy(o ->
        assertThat(o.ref().namespace()).isIn("shop", null));
  }

  private static Path projectRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("manifests")) && Files.isDirectory(dir.resolve("policies"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no manifests/ and policies/ above " + Path.of("").toAbsolutePath());
  }
}
