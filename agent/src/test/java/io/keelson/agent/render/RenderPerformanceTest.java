package io.keelson.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.model.Rendered;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderPerformanceTest {

  @TempDir
  Path root;

  @Test
  void rendersFiveThousandObjectsInFiveHundredFilesQuickly() {
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
    ManifestRenderer renderer = new ManifestRenderer(RenderOptions.defaults("apps"));
    renderer.render(root, List.of("."), Kinds.CLUSTER);

    long start = System.nanoTime();
    Rendered rendered = renderer.render(root, List.of("."), Kinds.CLUSTER);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(rendered.errors()).isEmpty();
    assertThat(rendered.objects()).hasSize(5000);
    // The budget is a second; the bound leaves room for a loaded build machine.
    assertThat(took).isLessThan(Duration.ofSeconds(3));
  }
}
