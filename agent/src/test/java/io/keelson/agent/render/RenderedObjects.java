package io.keelson.agent.render;

import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.model.Rendered;
import java.util.List;

/** Reads a render's outcome in tests: its errors as people see them, and an object by its reference. */
final class RenderedObjects {

  private RenderedObjects() {}

  static List<String> errors(Rendered rendered) {
    return rendered.errors().stream().map(RenderError::toString).toList();
  }

  /** The object printed as {@code ref} ({@code Deployment shop/cart}); a failure lists what there is. */
  static DesiredObject find(Rendered rendered, String ref) {
    return rendered.objects().stream().filter(o -> o.ref().toString().equals(ref)).findFirst()
        .orElseThrow(() -> new AssertionError(ref + " not in " + rendered.objects().stream()
            .map(o -> o.ref().toString()).toList() + " errors " + errors(rendered)));
  }
}
