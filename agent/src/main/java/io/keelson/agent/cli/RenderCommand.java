package io.keelson.agent.cli;

import io.dropwizard.core.setup.Bootstrap;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.model.Rendered;
import io.keelson.agent.render.ReleaseAwareRenderStage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code keelson-agent render <dir>}: renders and validates a config repository offline, exactly as the
 * agent would before applying (plain YAML, Kustomize, Helm charts, the release-aware checks) — for a config
 * repository's own CI. Errors name file and line; the last line says what failed and the exit status is
 * non-zero. With {@code -o yaml|json} it prints the rendered objects, Secret values masked.
 */
public class RenderCommand extends RepositoryCommand {

  public RenderCommand() {
    super("render", "Render and validate a directory of manifests offline (for a config repository's CI)");
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser.addArgument("-o", "--output").choices("yaml", "json")
        .help("print the rendered objects (default: a count per kind)");
  }

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
    Path directory = directory(namespace);
    Rendered built = renderer(namespace).render(directory, paths(namespace), new OfflineKindScopes());
    built.notes().forEach(note -> System.err.println("note: " + note));
    // The release-aware checks too (policy validation, routing a policy owns), as if nothing were released.
    Rendered rendered = new ReleaseAwareRenderStage().apply(built, Map.of()).rendered();
    failOnErrors(rendered, directory, 1);
    String output = namespace.getString("output");
    if (output != null) {
      System.out.print(ObjectPrinter.print(rendered.objects(),
          ObjectPrinter.Format.valueOf(output.toUpperCase(Locale.ROOT)), flag(namespace, "show_secrets")));
      return;
    }
    Map<String, Integer> kinds = new TreeMap<>();
    rendered.objects().forEach(o -> kinds.merge(o.ref().kind(), 1, Integer::sum));
    System.out.println(rendered.objects().size() + " objects rendered from " + directory + ": " + kinds);
  }

  /** Prints every render error with its file and line, then fails with {@code status}. */
  static void failOnErrors(Rendered rendered, Path directory, int status) throws CommandFailed {
    List<String> errors = rendered.errors().stream().map(RenderError::toString).toList();
    if (!errors.isEmpty()) {
      errors.forEach(System.err::println);
      throw new CommandFailed(errors.size() + " error(s) in " + directory, status, null);
    }
  }
}
