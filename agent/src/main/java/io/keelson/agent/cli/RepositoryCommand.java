package io.keelson.agent.cli;

import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.Command;
import io.keelson.agent.charts.HttpChartSource;
import io.keelson.agent.render.ChartRepository;
import io.keelson.agent.render.ManifestRenderer;
import io.keelson.agent.render.RenderOptions;
import io.keelson.agent.render.RenderTools;
import io.keelson.agent.render.SopsStage;
import io.keelson.agent.render.sops.SopsDecryptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * A command on a checkout of a config repository, rendered exactly as the agent renders it (Kustomize, Helm,
 * SOPS) with the same arguments for every such command; a failure ends with one line, {@code <command>
 * failed: …}, and a non-zero exit status, never a stack trace unless {@code --verbose}.
 */
abstract class RepositoryCommand extends Command {

  protected RepositoryCommand(String name, String description) {
    super(name, description);
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
    subparser.addArgument("--show-secrets").action(Arguments.storeTrue())
        .help("print Secret values instead of masking them");
    subparser.addArgument("--kustomize").setDefault("kustomize")
        .help("the Kustomize binary (default: kustomize on PATH)");
    subparser.addArgument("--helm").setDefault("helm").help("the Helm binary (default: helm on PATH)");
    subparser.addArgument("--allow-network").action(Arguments.storeTrue())
        .help("let Kustomize fetch remote bases and Helm chart repositories");
    subparser.addArgument("--allow-plugins").action(Arguments.storeTrue())
        .help("let Kustomize run exec KRM functions");
    subparser.addArgument("--chart-repository").action(Arguments.append()).metavar("URL=DIRECTORY")
        .help("pull helmCharts from this chart repository with the basic-auth credentials in DIRECTORY/username"
            + " and DIRECTORY/password (a mounted basic-auth Secret's layout; repeatable)");
    subparser.addArgument("--render-timeout")
        .help("how long one Kustomize or Helm build may take, e.g. 60s or 5m (default: 60s, as render.timeout)");
    subparser.addArgument("--verbose").action(Arguments.storeTrue())
        .help("on failure, also print where in Keelson it happened");
    subparser.addArgument("--age-key-file").help("decrypt SOPS files with the age identities in this file");
    subparser.addArgument("--pgp-key-file")
        .help("decrypt SOPS files with this OpenPGP secret key export (no passphrase)");
    subparser.addArgument("--no-decrypt").action(Arguments.storeTrue())
        .help("check SOPS files for structure and a MAC only, without a key");
  }

  static Path directory(Namespace namespace) throws CommandFailed {
    Path directory = Path.of(namespace.getString("directory"));
    if (!Files.isDirectory(directory)) {
      throw new CommandFailed(directory + " is not a directory");
    }
    return directory;
  }

  static List<String> paths(Namespace namespace) {
    return namespace.<String>getList("path") == null ? List.of(".") : namespace.getList("path");
  }

  static boolean flag(Namespace namespace, String key) {
    return namespace.getBoolean(key) == Boolean.TRUE;
  }

  /** The renderer the agent would build for a source with these settings. */
  static ManifestRenderer renderer(Namespace namespace) throws CommandFailed {
    RenderTools tools = RenderTools.defaults()
        .withBinaries(stringOr(namespace, "kustomize", "kustomize"), stringOr(namespace, "helm", "helm"))
        .withTrust(flag(namespace, "allow_network"), flag(namespace, "allow_plugins"));
    String timeout = namespace.getString("render_timeout");
    if (timeout != null) {
      tools = tools.withLimits(duration(timeout), tools.maxOutputBytes());
    }
    tools = tools.withChartRepositories(chartRepositories(namespace),
        new HttpChartSource(tools.timeout(), tools.maxOutputBytes()));
    RenderOptions options = RenderOptions.defaults(namespace.getString("namespace"))
        .withAllowedNamespaces(new HashSet<>(listOrEmpty(namespace, "allowed_namespace")))
        .withDeniedKinds(new HashSet<>(listOrEmpty(namespace, "denied_kind")))
        .withTools(tools);
    return new ManifestRenderer(options, List.of(new SopsStage(sops(namespace))));
  }

  /** One summary line, never a stack trace unless asked for with {@code --verbose}. */
  @Override
  public void onError(Cli cli, Namespace namespace, Throwable e) {
    if (e instanceof ChangesFound) {
      return; // not a failure: the exit status says what the output showed
    }
    cli.getStdErr().println(getName() + " failed: " + summary(e));
    if (flag(namespace, "verbose")) {
      e.printStackTrace(cli.getStdErr());
    }
  }

  static String summary(Throwable e) {
    if (e instanceof CommandFailed) {
      return e.getMessage();
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return e.getCause() != null && e.getCause().getMessage() != null
        ? message + ": " + e.getCause().getMessage() : message;
  }

  private static List<ChartRepository> chartRepositories(Namespace namespace) throws CommandFailed {
    List<ChartRepository> repositories = new java.util.ArrayList<>();
    for (String entry : listOrEmpty(namespace, "chart_repository")) {
      int equals = entry.lastIndexOf('=');
      if (equals < 1) {
        throw new CommandFailed("--chart-repository takes URL=DIRECTORY, not " + entry);
      }
      Path credentials = Path.of(entry.substring(equals + 1));
      try {
        repositories.add(new ChartRepository(entry.substring(0, equals), () -> secret(credentials, "username"),
            () -> secret(credentials, "password")));
      } catch (IllegalArgumentException e) {
        throw new CommandFailed("--chart-repository: " + e.getMessage());
      }
    }
    return repositories;
  }

  private static String secret(Path directory, String file) {
    try {
      return Files.readString(directory.resolve(file)).stripTrailing();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + directory.resolve(file), e);
    }
  }

  private static Duration duration(String text) throws CommandFailed {
    try {
      return Duration.parse("PT" + text.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new CommandFailed("--render-timeout " + text + " is not a duration such as 90s or 5m");
    }
  }

  private static String stringOr(Namespace namespace, String key, String fallback) {
    String value = namespace.getString(key);
    return value == null ? fallback : value;
  }

  private static SopsDecryptor sops(Namespace namespace) throws CommandFailed {
    String age = namespace.getString("age_key_file");
    String pgp = namespace.getString("pgp_key_file");
    if (flag(namespace, "no_decrypt")) {
      if (age != null || pgp != null) {
        throw new CommandFailed("--no-decrypt takes no key file");
      }
      return SopsDecryptor.structureOnly();
    }
    return SopsDecryptor.withKeyFiles(age == null ? null : Path.of(age), pgp == null ? null : Path.of(pgp));
  }

  static List<String> listOrEmpty(Namespace namespace, String key) {
    List<String> values = namespace.getList(key);
    return values == null ? List.of() : values;
  }

  /** Ends the command with a non-zero exit status; the details were printed already. */
  static final class CommandFailed extends Exception implements ExitStatus {
    private final int status;

    CommandFailed(String message) {
      this(message, 1, null);
    }

    CommandFailed(String message, int status, Throwable cause) {
      super(message, cause);
      this.status = status;
    }

    @Override
    public int exitStatus() {
      return status;
    }
  }

  /** Ends {@code diff} with exit status 1: it printed changes (not a failure). */
  static final class ChangesFound extends Exception implements ExitStatus {
    ChangesFound(String message) {
      super(message, null, false, false);
    }

    @Override
    public int exitStatus() {
      return 1;
    }
  }
}
