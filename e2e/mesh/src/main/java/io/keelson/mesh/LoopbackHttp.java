package io.keelson.mesh;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** The JDK's HTTP server, bound to 127.0.0.1 only. */
final class LoopbackHttp {

  private LoopbackHttp() {}

  /** A server on {@code port} (0: a free port), not yet started. */
  static HttpServer create(int port, String what) {
    try {
      return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for the " + what + " on 127.0.0.1:" + port, e);
    }
  }
}
