package io.keelson.agent.cli;

import io.dropwizard.core.setup.Bootstrap;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.keelson.agent.model.Rendered;
import io.keelson.agent.plan.PruneOptions;
import io.keelson.agent.render.ReleaseAwareRenderStage;
import io.keelson.agent.sync.ChangePreview;
import io.keelson.agent.sync.ObjectError;
import io.keelson.agent.sync.ResourceManager;
import io.keelson.release.api.RouterKind;
import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code keelson-agent diff <dir> --source <name>}: what a sync of this working tree would change on a live
 * cluster, as {@code flux diff} and {@code kubectl diff} show it, so a reviewer sees a pull request's effect
 * before merging. Every object is rendered as the agent renders it and dry-run on the API server
 * (server-side apply, nothing persisted); the live object and the dry-run result are compared as a sync
 * compares them, and the source's inventory says what prune would delete. Exit status 0: nothing would
 * change; 1: something would; 2: an error (render errors, an object the API server refuses, no cluster).
 */
public class DiffCommand extends RepositoryCommand {

  static final int ERROR = 2;

  public DiffCommand() {
    super("diff", "Show what a sync of a directory would change on a live cluster (server-side dry run)");
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser.addArgument("--source").required(true)
        .help("the source's name in the agent's configuration (its objects' label and its inventory)");
    subparser.addArgument("--kubeconfig")
        .help("the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)");
    subparser.addArgument("--context").help("the kubeconfig context (default: its current context)");
    subparser.addArgument("--agent-namespace").setDefault("keelson-system")
        .help("where the agent keeps its inventories (agentNamespace; default: keelson-system)");
    subparser.addArgument("--router").choices("istio", "gateway-api").setDefault("istio")
        .help("the agent's default release router (releaseController.router)");
  }

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
    ChangePreview.Preview preview;
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config(namespace)).build()) {
      preview = preview(client, namespace);
    } catch (CommandFailed e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CommandFailed(summary(e), ERROR, e);
    }
    System.out.print(DiffPrinter.print(preview, flag(namespace, "show_secrets")));
    if (!preview.errors().isEmpty()) {
      preview.errors().stream().map(ObjectError::toString).forEach(System.err::println);
      throw new CommandFailed("the API server refused " + preview.errors().size() + " object(s)", ERROR, null);
    }
    if (preview.entries().stream().anyMatch(ChangePreview.Entry::changes)) {
      throw new ChangesFound("changes");
    }
  }

  private static ChangePreview.Preview preview(KubernetesClient client, Namespace namespace) throws CommandFailed {
    Path directory;
    try {
      directory = directory(namespace);
    } catch (CommandFailed e) {
      throw new CommandFailed(e.getMessage(), ERROR, null);
    }
    ChangePreview preview = new ChangePreview(new ResourceManager(client, Clock.systemUTC()),
        namespace.getString("agent_namespace"), RouterKind.of(namespace.getString("router")));
    ReleaseAwareRenderStage.Result staged = preview.render(renderer(namespace), directory, paths(namespace));
    Rendered rendered = staged.rendered();
    rendered.notes().forEach(note -> System.err.println("note: " + note));
    RenderCommand.failOnErrors(rendered, directory, ERROR);
    return preview.preview(namespace.getString("source"), rendered.objects(), PruneOptions.defaults());
  }

  private static Config config(Namespace namespace) {
    String file = namespace.getString("kubeconfig");
    String context = namespace.getString("context");
    return file == null ? Config.autoConfigure(context) : Config.fromKubeconfig(context, new File(file));
  }
}
