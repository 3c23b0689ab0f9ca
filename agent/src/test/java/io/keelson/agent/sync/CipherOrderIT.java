package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.StandardHttpClientBuilder;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.keelson.testkit.ControlPlaneTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** The agent's TLS to the real kube-apiserver: ChaCha20-Poly1305 when offered first, and the client still works. */
@ControlPlaneTest
class CipherOrderIT {

  @Test
  void theApiServerTakesChaChaWhenTheAgentOffersItFirst(KubernetesClient client) throws Exception {
    Config config = client.getConfiguration();

    // A context each: one context's cached session would be resumed with the suite it was made with.
    assertThat(negotiated(config, context(config))).as("the JDK's own order").startsWith("TLS_AES_");
    assertThat(negotiated(config, CipherOrder.chaChaFirst(context(config))))
        .isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
  }

  @Test
  void aClientWhoseSuitesAreReorderedOffersChaChaFirstAndTalksToTheApiServer(KubernetesClient client) {
    AtomicReference<SSLContext> built = new AtomicReference<>();
    try (KubernetesClient reordered = new KubernetesClientBuilder().withConfig(client.getConfiguration())
        .withHttpClientBuilderConsumer(http -> {
          CipherOrder.preferChaCha(http);
          built.set(((StandardHttpClientBuilder<?, ?, ?>) http).getSslContext());
        }).build()) {
      assertThat(reordered.namespaces().withName("default").get()).isNotNull();
    }
    // The context fabric8's builder holds once reordered is the one its connections are made with.
    assertThat(built.get().createSSLEngine("127.0.0.1", 443).getEnabledCipherSuites()[0])
        .isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
  }

  private static SSLContext context(Config config) throws Exception {
    return SSLUtils.sslContext(SSLUtils.keyManagers(config), SSLUtils.trustManagers(config));
  }

  /**
   * The suite of a TLS session with the API server over {@code context} (any answer will do: TLS came first), in
   * HTTP/1.1 as the agent's client speaks it.
   */
  private static String negotiated(Config config, SSLContext context) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context).connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(config.getMasterUrl() + "version"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return response.sslSession().orElseThrow().getCipherSuite();
  }
}
