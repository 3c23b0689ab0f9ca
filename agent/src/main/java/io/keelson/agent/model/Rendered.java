package io.keelson.agent.model;

import java.util.List;

/**
 * The outcome of rendering a revision: its objects, or every error found (then nothing may be written); and
 * notes on what render left out on purpose (Helm hooks), which are no errors.
 */
public record Rendered(List<DesiredObject> objects, List<RenderError> errors, List<String> notes) {

  public Rendered {
    objects = List.copyOf(objects);
    errors = List.copyOf(errors);
    notes = List.copyOf(notes);
  }

  public Rendered(List<DesiredObject> objects, List<RenderError> errors) {
    this(objects, errors, List.of());
  }

  public boolean ok() {
    return errors.isEmpty();
  }
}
