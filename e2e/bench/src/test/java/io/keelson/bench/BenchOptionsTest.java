package io.keelson.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  private static final Path OUT = Path.of("bench.json");

  @Test
  void fluxRunsBesideKeelsonOnlyWhenAskedFor() {
    assertThat(BenchOptions.parse(new String[] {"--sizes", "1000"}, OUT).fluxPeer()).isFalse();

    BenchOptions options = BenchOptions.parse(new String[] {"--peer", "flux", "--sizes", "20000"}, OUT);

    assertThat(options.fluxPeer()).isTrue();
    assertThat(options.sizes()).containsExactly(20000);
  }

  @Test
  void anUnknownPeerIsRefusedWithTheUsage() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--peer", "argo"}, OUT))
        .hasMessageContaining("--peer knows only flux, not argo").hasMessageContaining("usage: bench");
  }
}
