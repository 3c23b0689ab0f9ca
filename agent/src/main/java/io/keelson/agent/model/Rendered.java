package io.keelson.agent.model;

import java.util.List;

/** The outcome of rendering a revision: its objects, or every error found (then nothing may be written). */
public record Rendered(List<DesiredObject> objects, List<RenderError> errors) {

  public Rendered {
    objects = List.copyOf(objects);
    errors = List.copyOf(errors);
  }

  public boolean ok() {
    return errors.isEmpty();
  }
}
