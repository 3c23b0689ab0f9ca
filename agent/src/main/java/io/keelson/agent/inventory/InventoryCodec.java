package io.keelson.agent.inventory;

import io.keelson.agent.model.ObjectRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The inventory's stored form: one line per object, {@code group|version|kind|namespace|name}, gzip-compressed
 * so that 10,000 objects fit comfortably in one ConfigMap (1 MiB). Names cannot contain '|'.
 */
public final class InventoryCodec {

  private static final String SEPARATOR = "|";

  private InventoryCodec() {}

  public static byte[] encode(Inventory inventory) {
    StringBuilder text = new StringBuilder();
    for (ObjectRef ref : inventory.objects()) {
      text.append(ref.group()).append(SEPARATOR).append(ref.version()).append(SEPARATOR).append(ref.kind())
          .append(SEPARATOR).append(ref.namespace() == null ? "" : ref.namespace()).append(SEPARATOR)
          .append(ref.name()).append('\n');
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(text.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static Inventory decode(byte[] stored) {
    String text;
    try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(stored))) {
      text = new String(gzip.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("the stored inventory is not readable: " + e.getMessage(), e);
    }
    List<ObjectRef> refs = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\\|", -1);
      if (parts.length != 5) {
        throw new IllegalArgumentException("the stored inventory has a malformed entry: " + line);
      }
      refs.add(new ObjectRef(parts[0], parts[1], parts[2], parts[3], parts[4]));
    }
    return Inventory.of(refs);
  }
}
