package io.keelson.agent.cli;

import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.keelson.agent.api.StatusView;
import java.net.URI;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** {@code keelson-agent status --url <agent>}: the agent's status as a terminal table. */
public class StatusCommand extends Command {

  public StatusCommand() {
    super("status", "Print an agent's status as a table");
  }

  @Override
  public void configure(Subparser subparser) {
    subparser.addArgument("--url").setDefault("http://127.0.0.1:8080")
        .help("the agent's URL (default http://127.0.0.1:8080)");
    subparser.addArgument("--width").type(Integer.class).setDefault(width())
        .help("the table's width in characters (default: the terminal's, or 120)");
    subparser.addArgument("--color").action(net.sourceforge.argparse4j.impl.Arguments.storeTrue())
        .help("colour the states");
  }

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
    StatusView status = new StatusClient().fetch(URI.create(namespace.getString("url")));
    System.out.print(new StatusTable().render(status, namespace.getInt("width"),
        Boolean.TRUE.equals(namespace.getBoolean("color"))));
  }

  private static int width() {
    try {
      return Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "120"));
    } catch (NumberFormatException e) {
      return 120;
    }
  }
}
