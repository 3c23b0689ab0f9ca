package io.keelson.agent.sync;

import io.keelson.agent.model.Rendered;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * A source's last render, reused when a resync renders the same checkout of the same revision again while
 * discovery still says the same about the API's kinds: render is a pure function of those, and a checkout
 * never changes once in place. The release statuses the release-aware render reads from the cluster are not
 * cached. A render with errors is not reused: an error may come from outside the checkout (a SOPS key file not
 * mounted yet), and its fix must take effect at the next sync, not only at the next commit.
 */
final class RenderCache {

  private record Key(String revision, Path root, List<String> paths, long discoveryGeneration) {}

  private Key key;
  private Rendered rendered;

  synchronized Rendered render(Snapshot snapshot, long discoveryGeneration, Supplier<Rendered> render) {
    Key wanted = new Key(snapshot.revision(), snapshot.root(), snapshot.paths(), discoveryGeneration);
    if (!wanted.equals(key) || !rendered.ok()) {
      rendered = render.get();
      key = wanted;
    }
    return rendered;
  }
}
