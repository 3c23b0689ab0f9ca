package io.keelson.agent.git;

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
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.transport.resolver.FileResolver;

/**
 * Real Git servers on 127.0.0.1 serving the bare repositories under one base directory: smart HTTP with Basic
 * authentication (JGit's {@code GitServlet} in Jetty 12), {@code git daemon}, and a silent TCP server that
 * accepts connections and never answers. {@link #close()} stops every server this instance started.
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
    int port = freePort();
    ProcessBuilder builder = new ProcessBuilder("git", "daemon", "--listen=127.0.0.1", "--port=" + port,
        "--export-all", "--reuseaddr", "--informative-errors", "--base-path=" + base, base.toString())
        .redirectErrorStream(true)
        .redirectOutput(base.resolve("daemon-" + port + ".log").toFile());
    builder.environment().put("HOME", base.toString());
    builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Running daemon = new Running() {
      @Override
      public String url(String repository) {
        return "git://127.0.0.1:" + port + "/" + repository + ".git";
      }

      @Override
      public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
          if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    running.add(daemon);
    awaitListening(port, process, Duration.ofSeconds(20));
    return daemon;
  }

  /**
   * A TCP server that accepts connections and never sends a byte: a hung server. Its URL is an HTTP one, since
   * JGit enforces read timeouts on HTTP connections, but not on {@code git://} sockets (see {@link GitSource}).
   */
  Running silent() {
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
    Running silent = new Running() {
      @Override
      public String url(String repository) {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/git/" + repository + ".git";
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

  @Override
  public void close() {
    for (Running server : running) {
      server.close();
    }
    running.clear();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void awaitListening(int port, Process process, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("git daemon exited with " + process.exitValue());
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    throw new IllegalStateException("git daemon did not listen on port " + port + " within " + limit);
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
