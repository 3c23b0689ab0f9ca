package io.keelson.agent.git;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.Collection;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.BasePackFetchConnection;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PackTransport;
import org.eclipse.jgit.transport.PushConnection;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TcpTransport;
import org.eclipse.jgit.transport.URIish;

/**
 * Fetching over {@code git://} with the timeout on every read of the socket.
 *
 * <p>JGit's own {@code git://} transport bounds reads by interrupting the reading thread, and a thread blocked in
 * a socket read ignores interrupts: a daemon that accepts the connection and then stalls holds the fetch forever.
 * Here the socket itself carries the timeout, so a stalled server fails the read with a
 * {@link java.net.SocketTimeoutException}. Fetch only (protocol v0, which every {@code git daemon} speaks); the
 * agent never pushes.
 */
final class GitProtocolTransport extends TcpTransport implements PackTransport {

  static final String SCHEME = "git";
  private static final int DEFAULT_PORT = 9418;

  GitProtocolTransport(Repository local, URIish uri) {
    super(local, uri);
  }

  GitProtocolTransport(URIish uri) {
    super(uri);
  }

  static boolean handles(URIish uri) {
    return SCHEME.equals(uri.getScheme());
  }

  @Override
  public FetchConnection openFetch() throws TransportException {
    return new UploadPackConnection();
  }

  /** Protocol v0: the server advertises every ref, so there is nothing to ask for in advance. */
  @Override
  public FetchConnection openFetch(Collection<RefSpec> refSpecs, String... additionalPatterns)
      throws TransportException {
    return new UploadPackConnection();
  }

  @Override
  public PushConnection openPush() throws NotSupportedException {
    throw new NotSupportedException("the agent does not push: " + uri);
  }

  @Override
  public void close() {
    // Each connection owns its socket.
  }

  private Socket connect() throws TransportException {
    int timeoutMillis = Math.max(1, getTimeout()) * 1000;
    Socket socket = new Socket();
    try {
      socket.setSoTimeout(timeoutMillis);
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT),
          timeoutMillis);
      return socket;
    } catch (IOException e) {
      closeQuietly(socket);
      if (e instanceof UnknownHostException) {
        throw new TransportException(uri, "unknown host", e);
      }
      throw new TransportException(uri, e instanceof ConnectException ? e.getMessage() : e.toString(), e);
    }
  }

  private String hostHeader() {
    return uri.getHost() + (uri.getPort() > 0 && uri.getPort() != DEFAULT_PORT ? ":" + uri.getPort() : "");
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Already failing; the socket is gone either way.
    }
  }

  /** One {@code git-upload-pack} request on its own socket. */
  private final class UploadPackConnection extends BasePackFetchConnection {

    private final Socket socket;

    UploadPackConnection() throws TransportException {
      super(GitProtocolTransport.this);
      socket = connect();
      try {
        init(new BufferedInputStream(socket.getInputStream()), new BufferedOutputStream(socket.getOutputStream()));
        pckOut.writeString("git-upload-pack " + uri.getPath() + "\0host=" + hostHeader() + "\0");
        pckOut.flush();
        readAdvertisedRefs();
      } catch (IOException | RuntimeException e) {
        close();
        throw e instanceof TransportException t ? t
            : new TransportException(uri, "the server hung up unexpectedly", e);
      }
    }

    @Override
    public void close() {
      super.close();
      closeQuietly(socket);
    }
  }
}
