package io.keelson.agent.render;

import io.keelson.agent.model.Origin;
import io.keelson.agent.model.RenderError;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Turns parsed documents into manifest objects: flattens {@code List} kinds and checks the fields every
 * object needs. Messages name fields and keys, never values, because the object may be a Secret.
 */
final class ObjectValidator {

  private final List<ManifestObject> objects;
  private final List<RenderError> errors;

  ObjectValidator(List<ManifestObject> objects, List<RenderError> errors) {
    this.objects = objects;
    this.errors = errors;
  }

  void accept(String file, SourceDocument document) {
    Object content = document.content();
    if (!(content instanceof Map<?, ?>)) {
      errors.add(new RenderError(new Origin(file, document.index(), document.line()),
          "document must be a mapping (an object), found " + typeName(content)));
      return;
    }
    object(file, document, content);
  }

  private void object(String file, SourceDocument document, Object value) {
    Origin origin = new Origin(file, document.index(), document.lineOf(value));
    if (!(value instanceof Map<?, ?> untyped)) {
      errors.add(new RenderError(origin, "List item must be a mapping (an object), found " + typeName(value)));
      return;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) untyped;
    Object kind = map.get("kind");
    if (kind instanceof String kindName && isList(kindName, map)) {
      if (!(map.get("items") instanceof List<?> items)) {
        errors.add(new RenderError(origin, kindName + " needs an items list"));
        return;
      }
      for (Object item : items) {
        object(file, document, item);
      }
      return;
    }
    String apiVersion = requiredString(map.get("apiVersion"), "apiVersion", origin);
    String kindName = requiredString(kind, "kind", origin);
    String name = null;
    String namespace = null;
    Object metadata = map.get("metadata");
    if (metadata == null) {
      errors.add(new RenderError(origin, "missing metadata.name"));
    } else if (!(metadata instanceof Map<?, ?> meta)) {
      errors.add(new RenderError(origin, "metadata must be a mapping, found " + typeName(metadata)));
    } else {
      name = requiredString(meta.get("name"), "metadata.name", origin);
      Object declared = meta.get("namespace");
      if (declared != null && !(declared instanceof String)) {
        errors.add(new RenderError(origin, "metadata.namespace must be a string, found " + typeName(declared)));
        name = null;
      } else if (declared != null && !((String) declared).isEmpty()) {
        namespace = (String) declared;
      }
    }
    if (apiVersion == null || kindName == null || name == null) {
      return;
    }
    if (isCoreSecret(apiVersion, kindName) && !secretDataValid(map, origin)) {
      return;
    }
    objects.add(new ManifestObject(origin, map, apiVersion, kindName, name, namespace));
  }

  /** {@code List}, or a typed list such as {@code ConfigMapList}, which holds its objects in items. */
  private static boolean isList(String kind, Map<String, Object> map) {
    return kind.equals("List") || kind.endsWith("List") && map.get("items") instanceof List<?>;
  }

  private String requiredString(Object value, String field, Origin origin) {
    if (value == null) {
      errors.add(new RenderError(origin, "missing " + field));
      return null;
    }
    if (!(value instanceof String text)) {
      errors.add(new RenderError(origin, field + " must be a string, found " + typeName(value)));
      return null;
    }
    if (text.isEmpty()) {
      errors.add(new RenderError(origin, "missing " + field + " (it is empty)"));
      return null;
    }
    return text;
  }

  private static boolean isCoreSecret(String apiVersion, String kind) {
    return apiVersion.equals("v1") && kind.equals("Secret");
  }

  /** Secret values are checked here so that no later stage has to report (and risk echoing) them. */
  private boolean secretDataValid(Map<String, Object> secret, Origin origin) {
    boolean valid = stringMap(secret.get("stringData"), "stringData", origin, false);
    return stringMap(secret.get("data"), "data", origin, true) && valid;
  }

  private boolean stringMap(Object value, String field, Origin origin, boolean base64) {
    if (value == null) {
      return true;
    }
    if (!(value instanceof Map<?, ?> entries)) {
      errors.add(new RenderError(origin, "Secret " + field + " must be a mapping, found " + typeName(value)));
      return false;
    }
    boolean valid = true;
    for (Map.Entry<?, ?> entry : entries.entrySet()) {
      String key = field + "." + entry.getKey();
      if (!(entry.getValue() instanceof String text)) {
        errors.add(new RenderError(origin, "Secret " + key + " must be a string, found "
            + typeName(entry.getValue())));
        valid = false;
      } else if (base64 && !isBase64(text)) {
        errors.add(new RenderError(origin, "Secret " + key + " is not valid base64"));
        valid = false;
      }
    }
    return valid;
  }

  /** As Kubernetes decodes it: standard alphabet with padding; line breaks are ignored. */
  private static boolean isBase64(String text) {
    try {
      Base64.getDecoder().decode(text.replace("\n", "").replace("\r", ""));
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static String typeName(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Map<?, ?>) {
      return "a mapping";
    }
    if (value instanceof List<?>) {
      return "a list";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    return value instanceof Number ? "a number" : "a " + value.getClass().getSimpleName();
  }
}
