package io.keelson.agent.render;

import java.nio.file.Path;

/**
 * Where render gets a chart that a {@code helmCharts} entry names in a configured chart repository: the one
 * narrow door of rendering to the network, implemented at the edge (an HTTP chart repository client).
 */
@FunctionalInterface
public interface ChartSource {

  /** No repository is reachable: every pull fails. */
  ChartSource NONE = (repository, name, version, into) -> {
    throw new PullFailed("cannot pull chart " + name + " " + version + " from chart repository " + repository
        + ": no chart source is configured");
  };

  /** Unpacks chart {@code name} at {@code version} into {@code into} (the package's top directory inside it). */
  void pull(ChartRepository repository, String name, String version, Path into) throws PullFailed;

  /** A chart that could not be pulled; the message names the chart and the repository, never a credential. */
  final class PullFailed extends Exception {
    public PullFailed(String message) {
      super(message);
    }
  }
}
