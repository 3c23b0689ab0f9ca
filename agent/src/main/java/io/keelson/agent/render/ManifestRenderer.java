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
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders the manifests of a checked-out revision into desired objects, or into every error that makes
 * the revision unusable. It reads files only: whether a kind is namespaced comes from {@link KindScopes}.
 */
public final class ManifestRenderer {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** The fields {@link GenericKubernetesResource} types; any other is kept as parsed. */
  private static final List<String> TYPED_FIELDS = List.of("apiVersion", "kind", "metadata");
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
  private final KustomizeBuild kustomize;
  private final HelmChartBuild charts;
  private final List<DocumentStage> stages;
  private final UnitCache cache = new UnitCache();

  /** A renderer without SOPS keys: an encrypted file is an error saying so. */
  public ManifestRenderer(RenderOptions options) {
    this(options, List.of(new SopsStage(SopsDecryptor.withoutKeys())));
  }

  /**
   * @param stages run on the documents, in order, after plain files, Kustomize and Helm; SOPS decryption is
   *     one ({@link SopsStage}), and without it an encrypted file would be taken as it is
   */
  public ManifestRenderer(RenderOptions options, List<DocumentStage> stages) {
    this.options = Objects.requireNonNull(options, "options");
    this.manifestFiles = new ManifestFiles(options.maxFileBytes(), options.maxTotalBytes());
    this.yaml = new YamlDocuments(options.maxAliases(), options.maxDocuments(), options.maxFileBytes());
    this.namespacePolicy = new NamespacePolicy(options);
    ToolBuild build = new ToolBuild(options.tools(), options.maxAliases());
    this.kustomize = new KustomizeBuild(options.tools(), build);
    this.charts = new HelmChartBuild(options.tools(), build, options.defaultNamespace());
    this.stages = List.copyOf(stages);
  }

  /** Renders every manifest under {@code paths} of a tree that is no commit: nothing is reused. */
  public Rendered render(Path root, List<String> paths, KindScopes scopes) {
    return render(root, paths, scopes, ClusterCapabilities.NONE, TreeIds.NONE);
  }

  /**
   * Renders every manifest under {@code paths}. A configured path holding a kustomization is built with
   * Kustomize, one holding {@code Chart.yaml} with Helm; any other is read as plain manifests. A unit
   * whose Git ids are those of the previous render is not read or built again.
   *
   * @param root the checkout root
   * @param paths configured paths relative to {@code root}; {@code ""} or {@code "."} is the whole checkout
   * @param scopes the API server's answer to "is this kind namespaced?"
   * @param cluster what Helm is told about the cluster
   * @param ids the Git ids of the checkout's files and directories
   * @return the objects in file and document order, or, when anything is wrong, no objects and every
   *     error sorted by file and line
   */
  public synchronized Rendered render(Path root, List<String> paths, KindScopes scopes, ClusterCapabilities cluster,
      TreeIds ids) {
    List<RenderError> errors = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<ParsedUnit> units = new ArrayList<>();
    List<String> plainPaths = new ArrayList<>();
    for (String configured : paths) {
      Optional<Path> directory = directoryInside(root, configured);
      Optional<Path> kustomization = directory.flatMap(KustomizationTree::fileIn);
      if (kustomization.isPresent()) {
        units.add(kustomization(root, directory.get(), cluster, ids, errors));
      } else if (directory.isPresent() && HelmChartBuild.isChart(directory.get())) {
        units.add(chart(root, directory.get(), cluster, ids));
      } else {
        plainPaths.add(configured);
      }
    }
    ManifestFiles.Listing listing = manifestFiles.list(root, plainPaths);
    errors.addAll(listing.errors());
    for (ManifestFiles.ManifestFile file : listing.files()) {
      units.add(new ParsedUnit(file.name(), cache.get(file.name(), ids.id(file.name()).map(id -> "blob " + id),
          () -> parse(file)), false));
    }
    cache.finish();

    List<ManifestObject> manifests = new ArrayList<>();
    ObjectValidator validator = new ObjectValidator(manifests, errors);
    for (ParsedUnit unit : units) {
      errors.addAll(unit.parsed().errors());
      String file = unit.file();
      List<SourceDocument> documents = new ArrayList<>();
      for (SourceDocument parsed : unit.parsed().documents()) {
        // A tool's output has no lines of the declaring file to point at; its documents are counted.
        SourceDocument document = unit.built() ? parsed.withoutLines() : parsed;
        if (unit.built() && HelmHooks.isHook(document.content())) {
          notes.add(file + " (document " + document.index() + "): " + HelmHooks.describe(document.content())
              + " is a Helm hook; Keelson has no install or upgrade phases to run it in, so it is not applied");
          continue;
        }
        documents.add(document);
      }
      if (unit.built()) {
        // A build mixes the documents of many files: each is staged on its own.
        for (SourceDocument document : documents) {
          staged(file, List.of(document), new Origin(file, document.index(), document.line()), errors)
              .forEach(staged -> validator.accept(file, staged));
        }
      } else if (unit.parsed().errors().isEmpty()) {
        staged(file, documents, Origin.ofFile(file), errors).forEach(staged -> validator.accept(file, staged));
      } else {
        // The file is rejected anyway; its documents are checked as they are, for every error at once.
        documents.forEach(document -> validator.accept(file, document));
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
      return new Rendered(List.of(), errors, notes);
    }
    return new Rendered(objects, List.of(), notes);
  }

  /** Units parsed or built rather than reused, since this renderer was made. */
  long unitsRendered() {
    return cache.misses();
  }

  /** The documents of one unit; {@code built} when a tool printed them (so they have no lines of their own). */
  private record ParsedUnit(String file, ParsedFile parsed, boolean built) {}

  private ParsedUnit kustomization(Path root, Path directory, ClusterCapabilities cluster, TreeIds ids,
      List<RenderError> errors) {
    KustomizationTree.Inputs inputs;
    try {
      inputs = new KustomizationTree(root, yaml, options.maxFileBytes(), options.tools())
          .read(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("checkout root cannot be read", e);
    }
    if (!inputs.errors().isEmpty()) {
      errors.addAll(inputs.errors());
      return new ParsedUnit(inputs.file(), new ParsedFile(List.of(), List.of()), true);
    }
    return new ParsedUnit(inputs.file(), cache.get(inputs.file(), kustomize.key(inputs, ids, cluster),
        () -> kustomize.run(root, directory, inputs, cluster)), true);
  }

  private ParsedUnit chart(Path root, Path directory, ClusterCapabilities cluster, TreeIds ids) {
    String name = name(root, directory);
    String chartFile = (name.equals(".") ? "" : name + "/") + HelmChartBuild.CHART_FILE;
    return new ParsedUnit(chartFile, cache.get(chartFile, charts.key(name, ids, cluster),
        () -> charts.run(root, directory, chartFile, cluster)), true);
  }

  /** The documents after every stage, or none when a stage refused them (the error is recorded at {@code origin}). */
  private List<SourceDocument> staged(String file, List<SourceDocument> documents, Origin origin,
      List<RenderError> errors) {
    if (stages.isEmpty() || documents.isEmpty()) {
      return documents;
    }
    List<Object> contents = new ArrayList<>(documents.size());
    for (SourceDocument document : documents) {
      contents.add(document.content());
    }
    for (DocumentStage stage : stages) {
      DocumentStage.Outcome outcome = stage.apply(file, contents);
      if (outcome instanceof DocumentStage.Outcome.Refused refused) {
        errors.add(new RenderError(origin, refused.reason()));
        return List.of();
      }
      List<Object> kept = ((DocumentStage.Outcome.Kept) outcome).documents();
      if (kept.size() != contents.size()) {
        throw new IllegalStateException("a render stage must keep one entry per document");
      }
      contents = new ArrayList<>(kept);
    }
    List<SourceDocument> result = new ArrayList<>(documents.size());
    for (int i = 0; i < documents.size(); i++) {
      SourceDocument document = documents.get(i);
      Object content = contents.get(i);
      if (content == document.content()) {
        result.add(document);
      } else if (content != null) {
        // A changed document's nested mappings are new values: their lines fall back to the document's.
        result.add(new SourceDocument(document.index(), document.line(), content, Map.of()));
      }
    }
    return result;
  }

  /** A configured path that is a directory inside the root; anything else is left to the plain listing. */
  private static Optional<Path> directoryInside(Path root, String configured) {
    try {
      Path lexicalRoot = root.toAbsolutePath().normalize();
      Path relative = Path.of(configured.isEmpty() ? "." : configured);
      Path directory = lexicalRoot.resolve(relative).normalize();
      if (relative.isAbsolute() || !directory.startsWith(lexicalRoot) || !Files.isDirectory(directory)
          || !directory.toRealPath().startsWith(lexicalRoot.toRealPath())) {
        return Optional.empty();
      }
      return Optional.of(directory);
    } catch (IOException | java.nio.file.InvalidPathException e) {
      return Optional.empty();
    }
  }

  private static String name(Path root, Path path) {
    String relative = root.toAbsolutePath().normalize().relativize(path).toString().replace('\\', '/');
    return relative.isEmpty() ? "." : relative;
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
      // Only the typed part (apiVersion, kind, metadata) is converted; the rest is untyped in the model, so
      // the parsed values are taken as they are instead of copied: a render cached for the next sync then
      // holds each object's content once, beside the parsed file it came from.
      Map<String, Object> content = manifest.content();
      Map<String, Object> typed = new HashMap<>();
      for (String field : TYPED_FIELDS) {
        if (content.containsKey(field)) {
          typed.put(field, content.get(field));
        }
      }
      resource = MAPPER.convertValue(typed, GenericKubernetesResource.class);
      Map<String, Object> rest = new LinkedHashMap<>(content);
      rest.keySet().removeAll(TYPED_FIELDS);
      resource.setAdditionalProperties(rest);
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
