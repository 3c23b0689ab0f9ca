package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

class CipherOrderTest {

  private static final String[] AES_FIRST = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
      "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};

  @Test
  void chaChaComesFirstAndNothingIsDropped() {
    assertThat(CipherOrder.chaChaFirst(AES_FIRST, new String[0])).containsExactly("TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  }

  @Test
  void theJdksChaChaSuitesAreAddedWhenTheListHasNone() {
    String[] nettys = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"};
    String[] jdks = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"};
    assertThat(CipherOrder.chaChaFirst(nettys, jdks)).containsExactly("TLS_CHACHA20_POLY1305_SHA256",
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384");
  }

  @Test
  void anEngineKeepsChaChaFirstWhateverOrderItIsGiven() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, null, null);
    SSLEngine engine = CipherOrder.chaChaFirst(context).createSSLEngine("localhost", 443);

    engine.setEnabledCipherSuites(new String[] {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"}); // as Netty does
    assertThat(engine.getEnabledCipherSuites()[0]).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");

    SSLParameters parameters = engine.getSSLParameters();
    parameters.setCipherSuites(AES_FIRST); // as the JDK's HTTP client does
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(parameters);
    assertThat(engine.getEnabledCipherSuites()[0]).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
    assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
  }
}
