package io.keelson.agent.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A chart package is unpacked inside its directory only, whatever its entries say. */
class TarArchiveTest {

  @TempDir Path into;

  /** A gzip-compressed tar of one entry, as archive/tar writes a ustar header. */
  private static byte[] archive(String name, char type, String content) throws IOException {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    byte[] header = new byte[512];
    put(header, 0, name);
    put(header, 100, "0000644");
    put(header, 124, String.format("%011o", data.length));
    header[156] = (byte) type;
    put(header, 257, "ustar");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(header);
      gzip.write(data);
      gzip.write(new byte[(512 - data.length % 512) % 512]);
      gzip.write(new byte[1024]);
    }
    return out.toByteArray();
  }

  private static void put(byte[] header, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }

  @Test
  void unpacksFilesUnderTheDirectory() throws IOException {
    TarArchive.unpack(new ByteArrayInputStream(archive("web/Chart.yaml", '0', "name: web\n")), into, 1 << 20);

    assertThat(into.resolve("web/Chart.yaml")).hasContent("name: web");
  }

  @Test
  void refusesAnEntryLeavingTheDirectoryOrALink() throws IOException {
    byte[] escaping = archive("../outside.yaml", '0', "x");
    assertThatThrownBy(() -> TarArchive.unpack(new ByteArrayInputStream(escaping), into, 1 << 20))
        .hasMessageContaining("outside its directory: ../outside.yaml");
    assertThat(into.getParent().resolve("outside.yaml")).doesNotExist();

    byte[] link = archive("web/templates/link", '2', "");
    assertThatThrownBy(() -> TarArchive.unpack(new ByteArrayInputStream(link), into, 1 << 20))
        .hasMessageContaining("not a file or directory");
    assertThat(Files.exists(into.resolve("web/templates/link"))).isFalse();
  }

  @Test
  void refusesAnArchiveLargerThanTheLimit() throws IOException {
    byte[] big = archive("web/big.yaml", '0', "x".repeat(2000));
    assertThatThrownBy(() -> TarArchive.unpack(new ByteArrayInputStream(big), into, 1000))
        .hasMessageContaining("more than 1000 bytes");
  }
}
