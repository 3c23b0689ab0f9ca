package io.keelson.agent.render.sops;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Decrypts an armored age v1 file (the form SOPS stores an age-wrapped data key in): the X25519 stanzas
 * are tried with each identity, the header MAC is verified, then the payload STREAM is opened chunk by chunk.
 */
final class AgeFile {

  private static final String BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
  private static final String END = "-----END AGE ENCRYPTED FILE-----";
  private static final String VERSION_LINE = "age-encryption.org/v1";
  private static final int BODY_LINE = 64;
  private static final int CHUNK = 64 * 1024;
  private static final int TAG = 16;

  private record Stanza(String type, List<String> args, byte[] body) {}

  private AgeFile() {}

  /**
   * The plaintext, or empty when none of the identities is a recipient of the file.
   *
   * @throws DataKeyFailure when the file is malformed or fails authentication
   */
  static Optional<byte[]> decrypt(String armored, List<AgeIdentity> identities) throws DataKeyFailure {
    byte[] file = dearmor(armored);
    Reader reader = new Reader(file);
    if (!VERSION_LINE.equals(reader.line())) {
      throw new DataKeyFailure("not an age v1 file");
    }
    List<Stanza> stanzas = new ArrayList<>();
    String line = reader.line();
    while (line != null && line.startsWith("-> ")) {
      stanzas.add(stanza(line, reader));
      line = reader.line();
    }
    if (line == null || !line.startsWith("--- ")) {
      throw new DataKeyFailure("age header has no MAC line");
    }
    int macInputLength = reader.position() - line.length() - 1 + 3;
    byte[] headerMac = base64(line.substring(4), "age header MAC");
    Optional<byte[]> fileKey = fileKey(stanzas, identities);
    if (fileKey.isEmpty()) {
      return Optional.empty();
    }
    byte[] macKey = AgeCrypto.hkdf(fileKey.get(), new byte[0], "header", 32);
    if (!MessageDigest.isEqual(AgeCrypto.hmac(macKey, file, macInputLength), headerMac)) {
      throw new DataKeyFailure("age header MAC does not match: the wrapped key was altered");
    }
    return Optional.of(payload(fileKey.get(), file, reader.position()));
  }

  private static Optional<byte[]> fileKey(List<Stanza> stanzas, List<AgeIdentity> identities)
      throws DataKeyFailure {
    for (Stanza stanza : stanzas) {
      if (!stanza.type().equals(AgeIdentity.STANZA_TYPE)) {
        continue;
      }
      if (stanza.args().size() != 1 || stanza.body().length != 32) {
        throw new DataKeyFailure("age X25519 stanza is malformed");
      }
      byte[] share = base64(stanza.args().get(0), "age X25519 share");
      for (AgeIdentity identity : identities) {
        Optional<byte[]> key = identity.unwrap(share, stanza.body());
        if (key.isPresent()) {
          return key;
        }
      }
    }
    return Optional.empty();
  }

  private static Stanza stanza(String line, Reader reader) throws DataKeyFailure {
    List<String> words = List.of(line.substring(3).split(" ", -1));
    if (words.isEmpty() || words.stream().anyMatch(String::isEmpty)) {
      throw new DataKeyFailure("age stanza line is malformed");
    }
    StringBuilder body = new StringBuilder();
    String bodyLine;
    do {
      bodyLine = reader.line();
      if (bodyLine == null || bodyLine.length() > BODY_LINE) {
        throw new DataKeyFailure("age stanza body is malformed");
      }
      body.append(bodyLine);
    } while (bodyLine.length() == BODY_LINE);
    return new Stanza(words.get(0), words.subList(1, words.size()), base64(body.toString(), "age stanza body"));
  }

  /** The payload: a 16-byte nonce, then STREAM chunks of ChaCha20-Poly1305, the last one flagged. */
  private static byte[] payload(byte[] fileKey, byte[] file, int start) throws DataKeyFailure {
    if (file.length - start < 16 + TAG) {
      throw new DataKeyFailure("age payload is truncated");
    }
    byte[] key = AgeCrypto.hkdf(fileKey, Arrays.copyOfRange(file, start, start + 16), "payload", 32);
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    int offset = start + 16;
    long counter = 0;
    while (true) {
      int remaining = file.length - offset;
      boolean last = remaining <= CHUNK + TAG;
      int length = Math.min(remaining, CHUNK + TAG);
      if (length < TAG || last && length == TAG && counter > 0) {
        throw new DataKeyFailure("age payload is truncated");
      }
      byte[] nonce = new byte[12];
      for (int i = 0; i < 8; i++) {
        nonce[10 - i] = (byte) (counter >>> 8 * i);
      }
      nonce[11] = (byte) (last ? 1 : 0);
      byte[] chunk = AgeCrypto.open(key, nonce, file, offset, length)
          .orElseThrow(() -> new DataKeyFailure("age payload does not authenticate: the wrapped key was altered"));
      plain.writeBytes(chunk);
      if (last) {
        return plain.toByteArray();
      }
      offset += length;
      counter++;
    }
  }

  private static byte[] dearmor(String armored) throws DataKeyFailure {
    String text = armored.strip();
    if (!text.startsWith(BEGIN) || !text.endsWith(END)) {
      throw new DataKeyFailure("age data key is not an armored age file");
    }
    String body = text.substring(BEGIN.length(), text.length() - END.length()).replaceAll("\\s", "");
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new DataKeyFailure("age armor is not valid base64");
    }
  }

  /** age writes base64 without padding; padding or any other character is refused. */
  private static byte[] base64(String text, String what) throws DataKeyFailure {
    if (text.contains("=")) {
      throw new DataKeyFailure(what + " is not canonical base64");
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new DataKeyFailure(what + " is not valid base64");
    }
  }

  /** Reads the header line by line; lines end with a line feed. */
  private static final class Reader {
    private final byte[] bytes;
    private int position;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    String line() {
      for (int i = position; i < bytes.length; i++) {
        if (bytes[i] == '\n') {
          String line = new String(bytes, position, i - position, StandardCharsets.US_ASCII);
          position = i + 1;
          return line;
        }
      }
      return null;
    }

    int position() {
      return position;
    }
  }
}
