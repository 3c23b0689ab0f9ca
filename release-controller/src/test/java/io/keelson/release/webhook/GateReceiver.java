package io.keelson.release.webhook;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A test-route webhook receiver on 127.0.0.1: answers every POST with the status and body it is told to, or
 * holds it unanswered until closed; keeps every body it received.
 */
public final class GateReceiver implements AutoCloseable {

  private final HttpServer server;
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile int status = 200;
  private volatile String body = "ok";
  private volatile boolean hold;
  private volatile Consumer<String> listener = body -> { };

  private GateReceiver(HttpServer server) {
    this.server = server;
  }

  public static GateReceiver start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
      GateReceiver receiver = new GateReceiver(server);
      server.createContext("/gate", exchange -> {
        String posted = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        receiver.received.add(posted);
        receiver.listener.accept(posted);
        if (receiver.hold) {
          awaitQuietly(receiver.closed);
        }
        byte[] answer = receiver.body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(receiver.status, answer.length == 0 ? -1 : answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
      });
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Answers every POST from now on with {@code newStatus} and {@code newBody}. */
  public GateReceiver answer(int newStatus, String newBody) {
    status = newStatus;
    body = newBody;
    return this;
  }

  /** Calls {@code onPost} with every body POSTed, before answering. */
  public GateReceiver onPost(Consumer<String> onPost) {
    listener = onPost;
    return this;
  }

  /** Leaves every POST from now on unanswered until {@link #close}. */
  public GateReceiver holdAnswers() {
    hold = true;
    return this;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/gate";
  }

  /** The bodies POSTed so far, in order. */
  public List<String> received() {
    return List.copyOf(received);
  }

  /** Stops listening: later POSTs find nothing there. */
  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
