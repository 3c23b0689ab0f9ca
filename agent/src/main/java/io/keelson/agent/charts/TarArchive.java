package io.keelson.agent.charts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks a gzip-compressed tar archive (a packaged Helm chart) into a directory: regular files and
 * directories only, each confined to the directory (no absolute names, no {@code ..}, no links), within a
 * total size. Reads the POSIX ustar format with PAX and GNU long names, as Go's archive/tar writes them.
 */
final class TarArchive {

  private static final int BLOCK = 512;

  private TarArchive() {}

  static void unpack(InputStream gzip, Path into, long maxBytes) throws IOException {
    Path target = into.toAbsolutePath().normalize();
    long total = 0;
    String longName = null;
    try (InputStream in = new GZIPInputStream(gzip)) {
      byte[] header = new byte[BLOCK];
      while (readBlock(in, header)) {
        if (isZero(header)) {
          return; // end of archive
        }
        String name = longName != null ? longName : name(header);
        longName = null;
        long size = octal(header, 124, 12);
        char type = (char) header[156];
        total += size;
        if (total > maxBytes) {
          throw new IOException("the archive unpacks to more than " + maxBytes + " bytes");
        }
        if (type == 'x' || type == 'L') {
          String text = new String(readData(in, size), StandardCharsets.UTF_8);
          longName = type == 'L' ? text.replace("\0", "") : paxPath(text);
          continue;
        }
        if (type == 'g') {
          readData(in, size);
          continue;
        }
        Path path = target.resolve(name).normalize();
        if (name.startsWith("/") || !path.startsWith(target) || path.equals(target) && type != '5') {
          throw new IOException("the archive holds an entry outside its directory: " + name);
        }
        if (type == '5') {
          Files.createDirectories(path);
        } else if (type == '0' || type == '\0' || type == '7') {
          Files.createDirectories(path.getParent());
          Files.write(path, readData(in, size));
        } else {
          throw new IOException("the archive holds an entry that is not a file or directory: " + name);
        }
      }
      throw new IOException("the archive ends early");
    }
  }

  private static String name(byte[] header) {
    String name = text(header, 0, 100);
    String prefix = text(header, 345, 155);
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /** The {@code path} record of a PAX extended header ({@code "<length> path=<value>\n"}), if any. */
  private static String paxPath(String records) {
    for (String record : records.split("\n")) {
      int space = record.indexOf(' ');
      if (space > 0 && record.startsWith("path=", space + 1)) {
        return record.substring(space + 1 + "path=".length());
      }
    }
    return null;
  }

  private static String text(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] header, int offset, int length) throws IOException {
    String digits = text(header, offset, length).strip();
    try {
      return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
    } catch (NumberFormatException e) {
      throw new IOException("the archive has a malformed header");
    }
  }

  private static byte[] readData(InputStream in, long size) throws IOException {
    byte[] data = in.readNBytes(Math.toIntExact(size));
    if (data.length != size) {
      throw new IOException("the archive ends early");
    }
    long padding = (BLOCK - size % BLOCK) % BLOCK;
    in.skipNBytes(padding);
    return data;
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int read = in.readNBytes(block, 0, BLOCK);
    if (read == 0) {
      return false;
    }
    if (read != BLOCK) {
      throw new IOException("the archive ends early");
    }
    return true;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
