package io.keelson.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.model.Rendered;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Render at the scale the agent serves. How long it takes is the benchmark's business (its cold sync renders
 * the same sizes on a quiet machine); a unit test on a shared build machine asserts only what it produced.
 */
class RenderScaleTest {

  @TempDir
  Path root;

  @Test
  void rendersFiveThousandObjectsInFiveHundredFiles() {
    Tree tree = new Tree(root);
    for (int file = 0; file < 500; file++) {
      StringBuilder yaml = new StringBuilder();
      for (int object = 0; object < 10; object++) {
        yaml.append("---\n").append("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: app-%d-%d
              labels: {app: shop, tier: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: shop}}
              template:
                metadata: {labels: {app: shop}}
                spec:
                  containers:
                  - name: web
                    image: registry.example.com/shop:1.2.3
                    ports: [{containerPort: 8080}]
            """.formatted(file, object));
      }
      tree.file("team-" + file / 50 + "/app-" + file + ".yaml", yaml.toString());
    }
    Rendered rendered = new ManifestRenderer(RenderOptions.defaults("apps")).render(root, List.of("."), Kinds.CLUSTER);

    assertThat(rendered.errors()).isEmpty();
    assertThat(rendered.objects()).hasSize(5000);
    assertThat(rendered.objects().stream().map(o -> o.origin().file()).distinct()).hasSize(500);
    assertThat(rendered.objects().stream().map(o -> o.ref()).distinct()).hasSize(5000);
  }
}
