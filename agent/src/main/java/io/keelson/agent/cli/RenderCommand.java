package io.keelson.agent.cli;

import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.model.Rendered;
import io.keelson.agent.render.ManifestRenderer;
import io.keelson.agent.render.ReleaseStage;
import io.keelson.agent.render.RenderOptions;
import io.keelson.agent.render.sops.SopsDecryptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code keelson-agent render <dir>}: renders and validates a directory of manifests offline, exactly as
 * the agent would before applying — for a config repository's own CI. Errors name file and line; the exit
 * status is non-zero when there are any.
 */
public class RenderCommand extends Command {

  public RenderCommand() {
    super("render", "Render and validate a directory of manifests offline (for a config repository's CI)");
  }

  @Override
  public void configure(Subparser subparser) {
    subparser.addArgument("directory").help("the checkout of the config repository");
    subparser.addArgument("--path").action(net.sourceforge.argparse4j.impl.Arguments.append())
        .help("a path under the directory to render (repeatable; default: the whole directory)");
    subparser.addArgument("--namespace").setDefault("default").help("the default namespace");
    subparser.addArgument("--allowed-namespace").action(net.sourceforge.argparse4j.impl.Arguments.append())
        .help("a namespace objects may use (repeatable; default: any)");
    subparser.addArgument("--denied-kind").action(net.sourceforge.argparse4j.impl.Arguments.append())
        .help("a kind that may not be declared, Kind or group/Kind (repeatable)");
    subparser.addArgument("--age-key-file").help("decrypt SOPS files with the age identities in this file");
    subparser.addArgument("--pgp-key-file")
        .help("decrypt SOPS files with this OpenPGP secret key export (no passphrase)");
    subparser.addArgument("--no-decrypt").action(net.sourceforge.argparse4j.impl.Arguments.storeTrue())
        .help("check SOPS files for structure and a MAC only, without a key");
  }

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
    Path directory = Path.of(namespace.getString("directory"));
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException(directory + " is not a directory");
    }
    List<String> paths = namespace.<String>getList("path") == null ? List.of(".") : namespace.getList("path");
    RenderOptions options = RenderOptions.defaults(namespace.getString("namespace"))
        .withAllowedNamespaces(new HashSet<>(listOrEmpty(namespace, "allowed_namespace")))
        .withDeniedKinds(new HashSet<>(listOrEmpty(namespace, "denied_kind")));
    // The release-aware checks too (policy validation, routing a policy owns), as if nothing were released.
    Rendered rendered = new ReleaseStage().apply(
        new ManifestRenderer(options, sops(namespace)).render(directory, paths, new OfflineKindScopes()), Map.of())
        .rendered();
    List<String> errors = rendered.errors().stream().map(RenderError::toString).toList();
    if (!errors.isEmpty()) {
      errors.forEach(System.err::println);
      throw new RenderFailed(errors.size() + " error(s) in " + directory);
    }
    Map<String, Integer> kinds = new TreeMap<>();
    rendered.objects().forEach(o -> kinds.merge(o.ref().kind(), 1, Integer::sum));
    System.out.println(rendered.objects().size() + " objects rendered from " + directory + ": " + kinds);
  }

  private static SopsDecryptor sops(Namespace namespace) {
    String age = namespace.getString("age_key_file");
    String pgp = namespace.getString("pgp_key_file");
    if (Boolean.TRUE.equals(namespace.getBoolean("no_decrypt"))) {
      if (age != null || pgp != null) {
        throw new IllegalArgumentException("--no-decrypt takes no key file");
      }
      return SopsDecryptor.structureOnly();
    }
    return SopsDecryptor.withKeyFiles(age == null ? null : Path.of(age), pgp == null ? null : Path.of(pgp));
  }

  private static List<String> listOrEmpty(Namespace namespace, String key) {
    List<String> values = namespace.getList(key);
    return values == null ? List.of() : values;
  }

  /** Ends the command with a non-zero exit status; the errors were printed already. */
  static final class RenderFailed extends Exception {
    RenderFailed(String message) {
      super(message);
    }
  }
}
