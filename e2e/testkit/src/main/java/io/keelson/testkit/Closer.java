package io.keelson.testkit;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened (servers, agents, repositories) when the test ends, last opened first, so a
 * failed assertion never leaves a process behind. Register it with {@code @RegisterExtension}.
 */
public final class Closer implements AfterEachCallback {

  private final List<AutoCloseable> opened = new ArrayList<>();

  /** {@code closeable}, to be closed when the test ends. */
  public synchronized <T extends AutoCloseable> T add(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  /** Leaves {@code closeable} to the test, which has closed it already (say, to restart what it stood for). */
  public synchronized void forget(AutoCloseable closeable) {
    opened.remove(closeable);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    List<AutoCloseable> closing;
    synchronized (this) {
      closing = new ArrayList<>(opened);
      opened.clear();
    }
    Exception first = null;
    for (int i = closing.size() - 1; i >= 0; i--) {
      try {
        closing.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
