package io.keelson.agent.cli;

import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.model.Rendered;
import io.keelson.agent.render.ManifestRenderer;
import io.keelson.agent.render.ReleaseAwareRenderStage;
import io.keelson.agent.render.RenderOptions;
import io.keelson.agent.render.RenderTools;
import io.keelson.agent.render.SopsStage;
import io.keelson.agent.render.sops.SopsDecryptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code keelson-agent render <dir>}: renders and validates a config repository offline, exactly as the
 * agent would before applying (plain YAML, Kustomize, Helm charts, the release-aware checks) — for a config
 * repository's own CI. Errors name file and line; the last line says what failed and the exit status is
 * non-zero. With {@code -o yaml|json} it prints the rendered objects, Secret values masked.
 */
public class RenderCommand extends Command {

  public RenderCommand() {
    super("render", "Render and validate a directory of manifests offline (for a config repository's CI)");
  }

  @Override
  public void configure(Subparser subparser) {
    subparser.addArgument("directory").help("the checkout of the config repository");
    subparser.addArgument("--path").action(Arguments.append())
        .help("a path under the directory to render (repeatable; default: the whole directory)");
    subparser.addArgument("--namespace").setDefault("default").help("the default namespace");
    subparser.addArgument("--allowed-namespace").action(Arguments.append())
        .help("a namespace objects may use (repeatable; default: any)");
    subparser.addArgument("--denied-kind").action(Arguments.append())
        .help("a kind that may not be declared, Kind or group/Kind (repeatable)");
    subparser.addArgument("-o", "--output").choices("yaml", "json")
        .help("print the rendered objects (default: a count per kind)");
    subparser.addArgument("--show-secrets").action(Arguments.storeTrue())
        .help("print Secret values instead of masking them");
    subparser.addArgument("--kustomize").setDefault("kustomize")
        .help("the Kustomize binary (default: kustomize on PATH)");
    subparser.addArgument("--helm").setDefault("helm").help("the Helm binary (default: helm on PATH)");
    subparser.addArgument("--allow-network").action(Arguments.storeTrue())
        .help("let Kustomize fetch remote bases and Helm chart repositories");
    subparser.addArgument("--allow-plugins").action(Arguments.storeTrue())
        .help("let Kustomize run exec KRM functions");
    subparser.addArgument("--verbose").action(Arguments.storeTrue())
        .help("on failure, also print where in Keelson it happened");
    subparser.addArgument("--age-key-file").help("decrypt SOPS files with the age identities in this file");
    subparser.addArgument("--pgp-key-file")
        .help("decrypt SOPS files with this OpenPGP secret key export (no passphrase)");
    subparser.addArgument("--no-decrypt").action(Arguments.storeTrue())
        .help("check SOPS files for structure and a MAC only, without a key");
  }

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
    Path directory = Path.of(namespace.getString("directory"));
    if (!Files.isDirectory(directory)) {
      throw new RenderFailed(directory + " is not a directory");
    }
    List<String> paths = namespace.<String>getList("path") == null ? List.of(".") : namespace.getList("path");
    RenderTools tools = RenderTools.defaults()
        .withBinaries(stringOr(namespace, "kustomize", "kustomize"), stringOr(namespace, "helm", "helm"))
        .withTrust(namespace.getBoolean("allow_network") == Boolean.TRUE,
            namespace.getBoolean("allow_plugins") == Boolean.TRUE);
    RenderOptions options = RenderOptions.defaults(namespace.getString("namespace"))
        .withAllowedNamespaces(new HashSet<>(listOrEmpty(namespace, "allowed_namespace")))
        .withDeniedKinds(new HashSet<>(listOrEmpty(namespace, "denied_kind")))
        .withTools(tools);
    Rendered built = new ManifestRenderer(options, List.of(new SopsStage(sops(namespace))))
        .render(directory, paths, new OfflineKindScopes());
    built.notes().forEach(note -> System.err.println("note: " + note));
    // The release-aware checks too (policy validation, routing a policy owns), as if nothing were released.
    Rendered rendered = new ReleaseAwareRenderStage().apply(built, Map.of()).rendered();
    List<String> errors = rendered.errors().stream().map(RenderError::toString).toList();
    if (!errors.isEmpty()) {
      errors.forEach(System.err::println);
      throw new RenderFailed(errors.size() + " error(s) in " + directory);
    }
    String output = namespace.getString("output");
    if (output != null) {
      System.out.print(ObjectPrinter.print(rendered.objects(),
          ObjectPrinter.Format.valueOf(output.toUpperCase(Locale.ROOT)),
          namespace.getBoolean("show_secrets") == Boolean.TRUE));
      return;
    }
    Map<String, Integer> kinds = new TreeMap<>();
    rendered.objects().forEach(o -> kinds.merge(o.ref().kind(), 1, Integer::sum));
    System.out.println(rendered.objects().size() + " objects rendered from " + directory + ": " + kinds);
  }

  /** One summary line, never a stack trace unless asked for with {@code --verbose}. */
  @Override
  public void onError(Cli cli, Namespace namespace, Throwable e) {
    cli.getStdErr().println("render failed: " + summary(e));
    if (namespace.getBoolean("verbose") == Boolean.TRUE) {
      e.printStackTrace(cli.getStdErr());
    }
  }

  private static String summary(Throwable e) {
    if (e instanceof RenderFailed) {
      return e.getMessage();
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return e.getCause() != null && e.getCause().getMessage() != null
        ? message + ": " + e.getCause().getMessage() : message;
  }

  private static String stringOr(Namespace namespace, String key, String fallback) {
    String value = namespace.getString(key);
    return value == null ? fallback : value;
  }

  private static SopsDecryptor sops(Namespace namespace) throws RenderFailed {
    String age = namespace.getString("age_key_file");
    String pgp = namespace.getString("pgp_key_file");
    if (Boolean.TRUE.equals(namespace.getBoolean("no_decrypt"))) {
      if (age != null || pgp != null) {
        throw new RenderFailed("--no-decrypt takes no key file");
      }
      return SopsDecryptor.structureOnly();
    }
    return SopsDecryptor.withKeyFiles(age == null ? null : Path.of(age), pgp == null ? null : Path.of(pgp));
  }

  private static List<String> listOrEmpty(Namespace namespace, String key) {
    List<String> values = namespace.getList(key);
    return values == null ? List.of() : values;
  }

  /** Ends the command with a non-zero exit status; the details were printed already. */
  static final class RenderFailed extends Exception {
    RenderFailed(String message) {
      super(message);
    }
  }
}
