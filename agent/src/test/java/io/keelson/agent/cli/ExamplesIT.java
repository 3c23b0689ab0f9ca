package io.keelson.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.Rendered;
import io.keelson.agent.render.ManifestRenderer;
import io.keelson.agent.render.ReleaseAwareRenderStage;
import io.keelson.agent.render.RenderOptions;
import io.keelson.agent.render.RenderTools;
import io.keelson.testkit.ProjectTools;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The example config repository (the sandbox's seed) renders cleanly with the pinned Kustomize and Helm, release
 * checks included, as the repository's CI would: the overlay builds on the base, checkout comes from its chart
 * with the sandbox's values, and every object lands in the shop's namespace.
 */
class ExamplesIT {

  @Test
  void theSandboxOverlayAndThePoliciesRenderWithoutErrors() {
    RenderTools tools = RenderTools.defaults().withBinaries(ProjectTools.run("kustomize"), ProjectTools.run("helm"));

    Rendered rendered = new ReleaseAwareRenderStage().apply(new ManifestRenderer(RenderOptions.defaults("default")
        .withTools(tools)).render(ProjectTools.projectRoot(), List.of("manifests/overlays/sandbox", "policies"),
        new OfflineKindScopes()), Map.of()).rendered();

    assertThat(rendered.errors()).isEmpty();
    assertThat(rendered.objects()).extracting(o -> o.ref().kind() + " " + o.ref().name())
        .contains("Namespace shop", "Gateway shop", "Deployment cart", "Deployment catalog", "Deployment checkout",
            "Service checkout", "ConfigMap checkout", "Secret payment-gateway", "ReleasePolicy cart",
            "ReleasePolicy checkout");
    assertThat(rendered.objects()).allSatisfy(o ->
        assertThat(o.ref().namespace()).isIn("shop", null));
    assertThat(image(rendered, "cart")).isEqualTo("registry.example.com/shop/cart:1.4.2");
    assertThat(image(rendered, "checkout")).isEqualTo("registry.example.com/shop/checkout:3.1.0");
  }

  private static String image(Rendered rendered, String deployment) {
    DesiredObject object = rendered.objects().stream()
        .filter(o -> o.ref().kind().equals("Deployment") && o.ref().name().equals(deployment)).findFirst()
        .orElseThrow();
    return String.valueOf(io.keelson.testkit.Rendered.at(object.object().getAdditionalProperties(),
        "spec.template.spec.containers.0.image"));
  }
}
