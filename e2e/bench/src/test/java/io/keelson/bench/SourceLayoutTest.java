package io.keelson.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceLayoutTest {

  @Test
  void upToTheLimitOneSourceRendersTheWholeDirectory() {
    SourceLayout layout = SourceLayout.forSize("bench-5000", SourceLayout.ONE_SOURCE_LIMIT);

    assertThat(layout.names()).containsExactly("bench-5000");
    assertThat(layout.path(0)).isEqualTo(BenchRepo.PATH);
    assertThat(layout.objects("k", 50, "v0")).isEqualTo(Manifests.objects("k", 50, "v0"));
    assertThat(layout.seed("k")).isEqualTo(Manifests.namespaces("k"));
  }

  @Test
  void aboveTheLimitTenSourcesShareTheObjectsEquallyAndTheFirstHoldsWhatIsChanged() {
    SourceLayout layout = SourceLayout.forSize("bench-20000", 20_000);

    assertThat(layout.names()).hasSize(SourceLayout.MANY_SOURCES).startsWith("bench-20000-0").endsWith("bench-20000-9");
    assertThat(layout.path(3)).isEqualTo(BenchRepo.PATH + "/part-3");
    Map<String, String> files = layout.objects("k", 20_000, "v0");
    assertThat(files).hasSize(20_000);
    for (int i = 0; i < layout.count(); i++) {
      String dir = layout.part(i) + "/";
      assertThat(files.keySet().stream().filter(path -> path.startsWith(dir))).as(dir).hasSize(2_000);
    }
    Map<String, String> seed = layout.seed("k");
    assertThat(seed).containsKey("part-0/00-namespaces.yaml").containsKey("part-9/00-marker.yaml").hasSize(10);
    assertThat(seed.get("part-9/00-marker.yaml")).contains("name: bench-20000-part-9");
    String changed = layout.configMapFile("k", Manifests.CHANGED, "new").keySet().iterator().next();
    assertThat(changed).startsWith("part-0/");
    assertThat(files).containsKey(changed);
  }
}
