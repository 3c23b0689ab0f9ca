package io.keelson.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Git's smart HTTP protocol on 127.0.0.1, as users' Git hosts serve it: each request runs {@code git
 * http-backend} (Git's own CGI server) on the repositories under a base directory, read-only and anonymous.
 * Requests are served by the JDK's HTTP server, so nothing beyond Git itself is needed.
 */
public final class GitHttpServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService threads;
  private final Path base;
  private final Path home;

  private GitHttpServer(HttpServer server, ExecutorService threads, Path base, Path home) {
    this.server = server;
    this.threads = threads;
    this.base = base;
    this.home = home;
  }

  public static GitHttpServer serve(Path baseDirectory) {
    try {
      Path home = Files.createTempDirectory("keelson-git-http-");
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "git-http-backend");
        thread.setDaemon(true);
        return thread;
      });
      GitHttpServer git = new GitHttpServer(server, threads, baseDirectory.toAbsolutePath(), home);
      server.createContext("/", git::handle);
      server.setExecutor(threads);
      server.start();
      return git;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Git HTTP server", e);
    }
  }

  /** The smart HTTP URL of a repository directory (bare, or a work tree with its {@code .git}) under the base. */
  public String url(String repository) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + repository;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Process backend = start(exchange);
      // The request body goes in while the response comes out, so that neither pipe fills up and blocks.
      threads.execute(() -> copyRequest(exchange, backend));
      InputStream out = backend.getInputStream();
      int status = 200;
      String line;
      while (!(line = readLine(out)).isEmpty()) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = line.substring(0, colon).trim();
        String value = line.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Status")) {
          status = Integer.parseInt(value.substring(0, 3));
        } else {
          exchange.getResponseHeaders().add(name, value);
        }
      }
      exchange.sendResponseHeaders(status, 0);
      try (OutputStream body = exchange.getResponseBody()) {
        out.transferTo(body);
      }
      backend.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Process start(HttpExchange exchange) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("git", "http-backend").redirectError(ProcessBuilder.Redirect.DISCARD);
    Map<String, String> env = builder.environment();
    // Neither the user's nor the system's Git configuration may change what is served.
    env.put("HOME", home.toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_PROJECT_ROOT", base.toString());
    env.put("GIT_HTTP_EXPORT_ALL", "1");
    env.put("GATEWAY_INTERFACE", "CGI/1.1");
    env.put("SERVER_PROTOCOL", "HTTP/1.1");
    env.put("REQUEST_METHOD", exchange.getRequestMethod());
    env.put("PATH_INFO", exchange.getRequestURI().getRawPath());
    env.put("QUERY_STRING", exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery());
    env.put("REMOTE_ADDR", exchange.getRemoteAddress().getAddress().getHostAddress());
    header(exchange, "Content-Type").ifPresent(value -> env.put("CONTENT_TYPE", value));
    header(exchange, "Content-Length").ifPresent(value -> env.put("CONTENT_LENGTH", value));
    header(exchange, "Content-Encoding").ifPresent(value -> env.put("HTTP_CONTENT_ENCODING", value));
    header(exchange, "Git-Protocol").ifPresent(value -> env.put("GIT_PROTOCOL", value));
    return builder.start();
  }

  private static Optional<String> header(HttpExchange exchange, String name) {
    return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
  }

  private static void copyRequest(HttpExchange exchange, Process backend) {
    try (InputStream in = exchange.getRequestBody(); OutputStream stdin = backend.getOutputStream()) {
      in.transferTo(stdin);
    } catch (IOException e) {
      // The backend stopped reading (it answered with an error); its answer says why.
    }
  }

  /** One CGI header line, without its line ending; empty at the blank line that ends the headers. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      line.write(b);
    }
    return line.toString(StandardCharsets.ISO_8859_1).strip();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
    ControlPlane.deleteRecursively(home);
  }
}
