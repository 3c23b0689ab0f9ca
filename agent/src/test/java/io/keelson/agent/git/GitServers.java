package io.keelson.agent.git;

import io.keelson.testkit.GitDaemon;
import io.keelson.testkit.GitHttpServer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.git.GitLocationResolver;
import org.apache.sshd.git.pack.GitPackCommandFactory;
import org.apache.sshd.server.SshServer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.transport.resolver.FileResolver;

/**
 * Real Git servers on 127.0.0.1 serving the bare repositories under one base directory: smart HTTP with Basic
 * authentication (JGit's {@code GitServlet} in Jetty 12), {@code git http-backend}, {@code git daemon}, SSH with public-key authentication
 * (Apache MINA sshd with its Git pack commands), and a silent TCP server that accepts connections and never
 * answers. {@link #close()} stops every server this instance started.
 */
public final class GitServers implements AutoCloseable {

  private final Path base;
  private final List<Running> running = new ArrayList<>();

  public GitServers(Path base) {
    this.base = base;
  }

  public Path base() {
    return base;
  }

  /** A running server; {@link #url(String)} is the URL of the bare repository {@code base/<name>.git}. */
  public interface Running extends AutoCloseable {

    String url(String repository);

    @Override
    void close();
  }

  /** Smart HTTP; every request must authenticate as {@code user} with {@code password}. */
  public Running http(String user, String password) {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    GitServlet git = new GitServlet();
    git.setRepositoryResolver(new FileResolver<>(base.toFile(), true));
    context.addServlet(new ServletHolder(git), "/git/*");
    context.addFilter(new FilterHolder(new BasicAuth(user, password)), "/*", EnumSet.of(DispatcherType.REQUEST));
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the Git HTTP server", e);
    }
    int port = connector.getLocalPort();
    Running http = new Running() {
      @Override
      public String url(String repository) {
        return "http://127.0.0.1:" + port + "/git/" + repository + ".git";
      }

      @Override
      public void close() {
        try {
          server.stop();
        } catch (Exception e) {
          throw new IllegalStateException("cannot stop the Git HTTP server", e);
        }
      }
    };
    running.add(http);
    return http;
  }

  /** {@code git daemon}, anonymous, serving every repository under the base directory. */
  public Running daemon() {
    GitDaemon server = GitDaemon.serve(base);
    return register(repository -> server.url(repository + ".git"), server::close);
  }

  /** Git's own smart HTTP server ({@code git http-backend}), anonymous, as the sandbox serves its repository. */
  public Running httpBackend() {
    GitHttpServer server = GitHttpServer.serve(base);
    return register(repository -> server.url(repository + ".git"), server::close);
  }

  /** A testkit server as a {@link Running}, stopped with the others. */
  private Running register(UnaryOperator<String> url, Runnable stop) {
    Running server = new Running() {
      @Override
      public String url(String repository) {
        return url.apply(repository);
      }

      @Override
      public void close() {
        stop.run();
      }
    };
    running.add(server);
    return server;
  }

  /**
   * SSH with a host key generated for this server and public-key authentication that accepts {@code clientKey}
   * and no other key, for any user name. {@code git-upload-pack} and {@code git-receive-pack} run in process on
   * the repository named by the URL path, relative to the base directory.
   */
  public Ssh ssh(PublicKey clientKey) {
    KeyPair hostKey = newEcKeyPair();
    SshServer server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(clientKey, key));
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setCommandFactory(new GitPackCommandFactory(GitLocationResolver.constantPath(base)));
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Git SSH server", e);
    }
    Ssh ssh = new Ssh(server, hostKey.getPublic());
    running.add(ssh);
    return ssh;
  }

  /** A running SSH server: its URLs, its host key and known_hosts lines for its address. */
  public static final class Ssh implements Running {

    private final SshServer server;
    private final PublicKey hostKey;

    private Ssh(SshServer server, PublicKey hostKey) {
      this.server = server;
      this.hostKey = hostKey;
    }

    @Override
    public String url(String repository) {
      return "ssh://git@127.0.0.1:" + server.getPort() + "/" + repository + ".git";
    }

    public PublicKey hostKey() {
      return hostKey;
    }

    /** A known_hosts line that lists {@code key} as the host key of this server's address and port. */
    public String knownHostsLine(PublicKey key) {
      return "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(key);
    }

    @Override
    public void close() {
      try {
        server.stop(true);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot stop the Git SSH server", e);
      }
    }
  }

  /** A new ECDSA key pair on NIST P-256: quick to generate, and supported by every SSH implementation. */
  public static KeyPair newEcKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an EC key pair", e);
    }
  }

  /** A TCP server that accepts connections and never sends a byte: a hung server, whatever the protocol. */
  public Silent silent() {
    ServerSocket socket;
    try {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Socket> accepted = new ArrayList<>();
    Thread acceptor = new Thread(() -> {
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          synchronized (accepted) {
            accepted.add(s);
          }
        } catch (IOException e) {
          return;
        }
      }
    }, "silent-git-server");
    acceptor.setDaemon(true);
    acceptor.start();
    Silent silent = new Silent() {
      @Override
      public String url(String scheme, String repository) {
        return scheme + "://127.0.0.1:" + socket.getLocalPort() + "/" + repository + ".git";
      }

      @Override
      public void close() {
        try {
          socket.close();
          synchronized (accepted) {
            for (Socket s : accepted) {
              s.close();
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
    running.add(silent);
    return silent;
  }

  /** A hung server: any scheme's URL reaches it, since it never gets as far as speaking a protocol. */
  public interface Silent extends Running {

    String url(String scheme, String repository);

    @Override
    default String url(String repository) {
      return url("http", repository);
    }
  }

  @Override
  public void close() {
    for (Running server : running) {
      server.close();
    }
    running.clear();
  }

  /** A loopback port nobody listens on (as when a server is stopped). */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** HTTP Basic authentication in front of the Git servlet, with a constant-time password comparison. */
  private static final class BasicAuth implements Filter {

    private final byte[] expected;

    BasicAuth(String user, String password) {
      this.expected = ("Basic " + Base64.getEncoder().encodeToString(
          (user + ":" + password).getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      String header = ((HttpServletRequest) request).getHeader("Authorization");
      if (header != null && MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.UTF_8))) {
        chain.doFilter(request, response);
        return;
      }
      HttpServletResponse http = (HttpServletResponse) response;
      http.setHeader("WWW-Authenticate", "Basic realm=\"git\"");
      http.sendError(HttpServletResponse.SC_UNAUTHORIZED);
    }
  }
}
