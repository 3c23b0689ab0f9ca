package io.keelson.agent.render;

import io.keelson.agent.model.Origin;
import io.keelson.agent.model.RenderError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs one build of a render tool in a scratch directory and parses what it prints as the documents of
 * the file that declared the build (a kustomization or a {@code Chart.yaml}): Kustomize and Helm print
 * multi-document YAML, which then takes the same path as a plain manifest file. Every failure is one
 * render error at that file, with the tool's own message.
 */
final class ToolBuild {

  // The output of a build is one "file" for the parser: its size is bounded by the tool limit instead.
  private static final int MAX_OUTPUT_DOCUMENTS = 1_000_000;

  private final RenderTools tools;
  private final YamlDocuments yaml;

  ToolBuild(RenderTools tools, int maxAliases) {
    this.tools = tools;
    this.yaml = new YamlDocuments(maxAliases, MAX_OUTPUT_DOCUMENTS, tools.maxOutputBytes());
  }

  /**
   * @param tool the tool's name as users know it, for messages
   * @param file the declaring file, relative to the root; every document and error is at this file
   */
  ParsedFile run(String tool, String file, List<String> command, Path root) {
    Path scratch;
    try {
      scratch = Files.createTempDirectory("keelson-render-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a scratch directory for " + tool, e);
    }
    try {
      ToolProcess.Result result = new ToolProcess(tools.timeout(), tools.maxOutputBytes())
          .run(command, root, ToolEnvironment.of(scratch, tools.allowNetwork()), scratch);
      return parse(tool, file, result, root);
    } catch (IOException e) {
      return failed(file, tool + " could not be run: " + e.getMessage());
    } finally {
      delete(scratch);
    }
  }

  private ParsedFile parse(String tool, String file, ToolProcess.Result result, Path root) {
    if (result instanceof ToolProcess.Result.NotStarted notStarted) {
      return failed(file, tool + " could not be started (" + command(tool) + " = " + binary(tool) + "): "
          + notStarted.reason());
    }
    if (result instanceof ToolProcess.Result.TimedOut timedOut) {
      return failed(file, tool + " did not finish within " + timedOut.after().toSeconds() + " s and was stopped");
    }
    if (result instanceof ToolProcess.Result.TooLarge tooLarge) {
      return failed(file, tool + " printed more than the limit of " + tooLarge.limit() + " bytes and was stopped");
    }
    ToolProcess.Result.Exited exited = (ToolProcess.Result.Exited) result;
    if (exited.code() != 0) {
      return failed(file, tool + " failed: " + message(exited.stderr(), root));
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(exited.stdout())).toString();
    } catch (CharacterCodingException e) {
      return failed(file, tool + " printed text that is not valid UTF-8");
    }
    return yaml.parse(file, text);
  }

  /** The tool's message without its "Error: " prefix and with the checkout's location taken out. */
  static String message(String stderr, Path root) {
    String absolute = root.toAbsolutePath().normalize() + "/";
    String text = stderr.replace(absolute, "").replace(root.toAbsolutePath().normalize().toString(), ".");
    List<String> lines = text.lines().map(String::strip).filter(line -> !line.isEmpty())
        .map(line -> line.startsWith("Error: ") ? line.substring("Error: ".length()) : line).toList();
    return lines.isEmpty() ? "(no message)" : String.join("; ", lines);
  }

  private static String command(String tool) {
    return tool.equals("helm template") ? "render.helmBinary" : "render.kustomizeBinary";
  }

  private String binary(String tool) {
    return tool.equals("helm template") ? tools.helmBinary() : tools.kustomizeBinary();
  }

  static ParsedFile failed(String file, String reason) {
    return new ParsedFile(List.of(), List.of(new RenderError(Origin.ofFile(file), reason)));
  }

  static void delete(Path scratch) {
    try (Stream<Path> paths = Files.walk(scratch)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A leftover scratch directory under the temporary directory is harmless.
    }
  }
}
