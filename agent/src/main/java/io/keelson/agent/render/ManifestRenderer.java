package io.keelson.agent.render;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.model.Origin;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.model.Rendered;
import io.keelson.agent.render.sops.SopsDecryptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders the manifests of a checked-out revision into desired objects, or into every error that makes
 * the revision unusable. It reads files only: whether a kind is namespaced comes from {@link KindScopes}.
 */
public final class ManifestRenderer {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Comparator<RenderError> ERROR_ORDER = Comparator
      .comparing((RenderError error) -> error.origin().file())
      .thenComparingInt(error -> error.origin().line())
      .thenComparingInt(error -> error.origin().document())
      .thenComparing(RenderError::reason);

  private final RenderOptions options;
  private final ManifestFiles manifestFiles;
  private final YamlDocuments yaml;
  private final JsonDocuments json = new JsonDocuments();
  private final NamespacePolicy namespacePolicy;
  private final SopsStage sops;

  /** A renderer without SOPS keys: an encrypted file is an error saying so. */
  public ManifestRenderer(RenderOptions options) {
    this(options, SopsDecryptor.withoutKeys());
  }

  public ManifestRenderer(RenderOptions options, SopsDecryptor sops) {
    this.options = Objects.requireNonNull(options, "options");
    this.sops = new SopsStage(sops);
    this.manifestFiles = new ManifestFiles(options.maxFileBytes(), options.maxTotalBytes());
    this.yaml = new YamlDocuments(options.maxAliases(), options.maxDocuments(), options.maxFileBytes());
    this.namespacePolicy = new NamespacePolicy(options);
  }

  /**
   * Renders every manifest under {@code paths}.
   *
   * @param root the checkout root
   * @param paths configured paths relative to {@code root}; {@code ""} or {@code "."} is the whole checkout
   * @param scopes the API server's answer to "is this kind namespaced?"
   * @return the objects in file and document order, or, when anything is wrong, no objects and every
   *     error sorted by file and line
   */
  public Rendered render(Path root, List<String> paths, KindScopes scopes) {
    List<RenderError> errors = new ArrayList<>();
    ManifestFiles.Listing listing = manifestFiles.list(root, paths);
    errors.addAll(listing.errors());

    List<ManifestObject> manifests = new ArrayList<>();
    ObjectValidator validator = new ObjectValidator(manifests, errors);
    for (ManifestFiles.ManifestFile file : listing.files()) {
      ParsedFile parsed = sops.apply(file.name(), parse(file));
      errors.addAll(parsed.errors());
      for (SourceDocument document : parsed.documents()) {
        validator.accept(file.name(), document);
      }
    }

    KindScopeResolver resolver = new KindScopeResolver(scopes, manifests);
    DuplicateCheck duplicates = new DuplicateCheck();
    List<DesiredObject> objects = new ArrayList<>(manifests.size());
    for (ManifestObject manifest : manifests) {
      Optional<NamespacePolicy.Placement> placement =
          namespacePolicy.place(manifest, resolver.namespaced(manifest), errors);
      if (placement.isEmpty()) {
        continue;
      }
      Optional<GenericKubernetesResource> resource = toResource(manifest, placement.get().namespace(), errors);
      if (resource.isEmpty()) {
        continue;
      }
      ObjectRef ref = ObjectRef.of(resource.get());
      duplicates.check(ref, manifest.origin()).ifPresent(errors::add);
      objects.add(new DesiredObject(ref, resource.get(), manifest.origin()));
    }

    if (!errors.isEmpty()) {
      errors.sort(ERROR_ORDER);
      return new Rendered(List.of(), errors);
    }
    return new Rendered(objects, List.of());
  }

  private ParsedFile parse(ManifestFiles.ManifestFile file) {
    String text;
    try {
      text = read(file);
    } catch (CharacterCodingException e) {
      return failed(file, "file is not valid UTF-8");
    } catch (IOException e) {
      return failed(file, "file cannot be read");
    }
    if (text == null) {
      return failed(file, "file grew past the limit of " + options.maxFileBytes() + " bytes while reading");
    }
    return file.name().toLowerCase(Locale.ROOT).endsWith(".json")
        ? json.parse(file.name(), text) : yaml.parse(file.name(), text);
  }

  private static ParsedFile failed(ManifestFiles.ManifestFile file, String reason) {
    return new ParsedFile(List.of(), List.of(new RenderError(Origin.ofFile(file.name()), reason)));
  }

  /** The file as text, or null if it is now larger than the limit checked from its size before. */
  private String read(ManifestFiles.ManifestFile file) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file.path())) {
      bytes = in.readNBytes((int) options.maxFileBytes() + 1);
    }
    if (bytes.length > options.maxFileBytes()) {
      return null;
    }
    String text = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
    // A byte order mark is allowed at the start of YAML and JSON text but is no part of the content.
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  private static Optional<GenericKubernetesResource> toResource(ManifestObject manifest, String namespace,
      List<RenderError> errors) {
    GenericKubernetesResource resource;
    try {
      resource = MAPPER.convertValue(manifest.content(), GenericKubernetesResource.class);
    } catch (IllegalArgumentException e) {
      errors.add(new RenderError(manifest.origin(), "field " + fieldPath(e) + " of " + manifest.describe()
          + " has the wrong type"));
      return Optional.empty();
    }
    resource.getMetadata().setNamespace(namespace);
    return Optional.of(resource);
  }

  /** Jackson's own message may quote the value; only the path to it is reported. */
  private static String fieldPath(IllegalArgumentException e) {
    if (!(e.getCause() instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
      return "(unknown)";
    }
    return mapping.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }
}
