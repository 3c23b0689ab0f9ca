package io.keelson.agent.render.sops;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;

/**
 * Decrypts the documents of a SOPS-encrypted manifest file (YAML or JSON, as parsed by the renderer), natively:
 * the data key is unwrapped with an age X25519 identity or an OpenPGP key, every encrypted value is opened with
 * AES-256-GCM under its path, and the file's MAC is verified, so a file altered after encryption is refused.
 * Errors name the file and say why; they never carry a value or a key.
 *
 * <p>A file is a SOPS file when its first document has a top-level {@code sops} mapping. In the structure-only
 * mode (offline checks without the key) the metadata and every encrypted value are checked for form and the
 * values replaced by empty ones of their type; documents whose identity (apiVersion, kind, metadata.name) is
 * encrypted are left out, as they cannot be checked without the key.
 */
public final class SopsDecryptor {

  private static final String METADATA_KEY = "sops";
  private static final int DATA_KEY_BYTES = 32;
  private static final DateTimeFormatter GO_RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");
  private static final List<List<String>> IDENTITY_PATHS = List.of(List.of("apiVersion"), List.of("kind"),
      List.of("metadata", "name"));

  private enum Mode { DECRYPT, NO_KEY_CONFIGURED, STRUCTURE_ONLY }

  /** Where the keys come from; called only when an encrypted file is met. */
  @FunctionalInterface
  private interface KeySource {
    SopsKeys load() throws SopsException;
  }

  private final KeySource keys;
  private final Mode mode;

  private SopsDecryptor(KeySource keys, Mode mode) {
    this.keys = keys;
    this.mode = mode;
  }

  /** Decrypts with these keys. */
  public static SopsDecryptor with(SopsKeys keys) {
    return new SopsDecryptor(() -> keys, Mode.DECRYPT);
  }

  /**
   * Decrypts with the keys in these files (either may be null), read whenever an encrypted file is met, so a
   * rotated key Secret takes effect without a restart and a missing key file fails only the files that need it.
   */
  public static SopsDecryptor withKeyFiles(Path ageKeyFile, Path pgpKeyFile) {
    if (ageKeyFile == null && pgpKeyFile == null) {
      return withoutKeys();
    }
    return new SopsDecryptor(() -> SopsKeys.load(ageKeyFile, pgpKeyFile), Mode.DECRYPT);
  }

  /** Decrypts nothing: an encrypted file is an error that says no key is configured. */
  public static SopsDecryptor withoutKeys() {
    return new SopsDecryptor(() -> SopsKeys.NONE, Mode.NO_KEY_CONFIGURED);
  }

  /** Checks the form of encrypted files without a key and stands empty values in for the encrypted ones. */
  public static SopsDecryptor structureOnly() {
    return new SopsDecryptor(() -> SopsKeys.NONE, Mode.STRUCTURE_ONLY);
  }

  /** Whether {@code documents} are those of a SOPS file: a top-level {@code sops} mapping in any of them. */
  public static boolean isEncrypted(List<?> documents) {
    return documents.stream().anyMatch(document -> document instanceof Map<?, ?> map
        && map.get(METADATA_KEY) instanceof Map<?, ?>);
  }

  /**
   * The documents of {@code file}, decrypted, without their {@code sops} metadata: one per document given, in
   * order; in the structure-only mode a document that cannot be checked without the key is null.
   *
   * @param file the file's name, for messages
   * @param documents its parsed documents, in order
   * @throws SopsException naming the file: no key for it, a malformed file, or a MAC that does not match
   */
  public List<Map<String, Object>> decrypt(String file, List<?> documents) throws SopsException {
    if (documents.isEmpty() || !(documents.get(0) instanceof Map<?, ?> first)
        || !(first.get(METADATA_KEY) instanceof Map<?, ?> sops)) {
      throw new SopsException(file, "the SOPS metadata (a top-level sops mapping) must be in the first document");
    }
    SopsMetadata metadata;
    try {
      metadata = SopsMetadata.parse(sops);
    } catch (IllegalArgumentException e) {
      throw new SopsException(file, e.getMessage());
    }
    List<Map<String, Object>> content = withoutMetadata(file, documents);
    if (mode == Mode.STRUCTURE_ONLY) {
      return checkStructure(file, metadata, content);
    }
    byte[] dataKey = dataKey(file, metadata, loadKeys(file));
    SopsTree.Result opened;
    try {
      opened = SopsTree.walk(content, metadata.rule(), metadata.macOnlyEncrypted(),
          (stored, path) -> decrypt(stored, path, dataKey));
    } catch (SopsTree.LeafFailure e) {
      throw new SopsException(file, e.getMessage());
    }
    verifyMac(file, metadata, dataKey, opened.mac());
    return opened.documents();
  }

  private static List<Map<String, Object>> withoutMetadata(String file, List<?> documents) throws SopsException {
    List<Map<String, Object>> content = new ArrayList<>(documents.size());
    for (Object document : documents) {
      if (!(document instanceof Map<?, ?> map)) {
        throw new SopsException(file, "every document of a SOPS file must be a mapping");
      }
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((key, value) -> copy.put((String) key, value));
      copy.remove(METADATA_KEY);
      content.add(copy);
    }
    return content;
  }

  private SopsKeys loadKeys(String file) throws SopsException {
    try {
      return keys.load();
    } catch (SopsException e) {
      throw new SopsException(file, "its SOPS key cannot be loaded: " + e.getMessage());
    }
  }

  private byte[] dataKey(String file, SopsMetadata metadata, SopsKeys keys) throws SopsException {
    if (mode == Mode.NO_KEY_CONFIGURED) {
      throw new SopsException(file, "it is encrypted with SOPS for " + metadata.recipients()
          + ", but this source has no SOPS key configured (sops.ageKeyFile or sops.pgpKeyFile)");
    }
    try {
      for (SopsMetadata.WrappedKey key : metadata.ageKeys()) {
        Optional<byte[]> dataKey = AgeFile.decrypt(key.wrapped(), keys.ageIdentities());
        if (dataKey.isPresent()) {
          return checkedLength(file, dataKey.get());
        }
      }
      for (SopsMetadata.WrappedKey key : metadata.pgpKeys()) {
        Optional<byte[]> dataKey = keys.pgpKeys().decrypt(key.wrapped());
        if (dataKey.isPresent()) {
          return checkedLength(file, dataKey.get());
        }
      }
    } catch (DataKeyFailure e) {
      throw new SopsException(file, e.getMessage());
    }
    throw new SopsException(file, "it is encrypted for " + metadata.recipients()
        + "; none of the configured keys (for " + keys.describe() + ") decrypts it");
  }

  private static byte[] checkedLength(String file, byte[] dataKey) throws SopsException {
    if (dataKey.length != DATA_KEY_BYTES) {
      throw new SopsException(file, "its data key is " + dataKey.length + " bytes, not " + DATA_KEY_BYTES);
    }
    return dataKey;
  }

  private static Object decrypt(Object stored, List<String> path, byte[] dataKey) throws SopsTree.LeafFailure {
    EncryptedValue value = encrypted(stored, path);
    if (value == null) {
      return "";
    }
    try {
      return value.decrypt(dataKey, String.join(":", path) + ":");
    } catch (AEADBadTagException e) {
      throw new SopsTree.LeafFailure(path, "does not authenticate: the file was altered after encryption");
    } catch (IllegalArgumentException e) {
      throw new SopsTree.LeafFailure(path, "cannot be read: " + e.getMessage());
    }
  }

  /** The stored encrypted value; null for an empty string, which SOPS leaves as it is. */
  private static EncryptedValue encrypted(Object stored, List<String> path) throws SopsTree.LeafFailure {
    if (!(stored instanceof String text)) {
      throw new SopsTree.LeafFailure(path, "should be encrypted but is a plain " + typeName(stored));
    }
    if (text.isEmpty()) {
      return null;
    }
    return EncryptedValue.parse(text).orElseThrow(() ->
        new SopsTree.LeafFailure(path, "should be encrypted but is not in the ENC[AES256_GCM,…] form"));
  }

  private static void verifyMac(String file, SopsMetadata metadata, byte[] dataKey, String computed)
      throws SopsException {
    EncryptedValue stored = storedMac(file, metadata);
    Object mac;
    try {
      mac = stored.decrypt(dataKey, goRfc3339(file, metadata.lastModified()));
    } catch (AEADBadTagException | IllegalArgumentException e) {
      throw new SopsException(file, "its MAC does not authenticate: the file was altered after encryption");
    }
    if (!MessageDigest.isEqual(mac.toString().getBytes(StandardCharsets.UTF_8),
        computed.getBytes(StandardCharsets.UTF_8))) {
      throw new SopsException(file, "its MAC does not match its content: the file was altered after encryption");
    }
  }

  private static EncryptedValue storedMac(String file, SopsMetadata metadata) throws SopsException {
    if (metadata.mac().isEmpty()) {
      throw new SopsException(file, "it has no MAC (sops.mac); files without one are refused");
    }
    return EncryptedValue.parse(metadata.mac())
        .orElseThrow(() -> new SopsException(file, "its MAC (sops.mac) is not in the ENC[AES256_GCM,…] form"));
  }

  /** The MAC is authenticated with lastmodified as Go's RFC 3339 layout writes it (no fraction of a second). */
  private static String goRfc3339(String file, String lastModified) throws SopsException {
    try {
      return OffsetDateTime.parse(lastModified).format(GO_RFC3339);
    } catch (DateTimeParseException e) {
      throw new SopsException(file, "sops.lastmodified is not an RFC 3339 time");
    }
  }

  private static List<Map<String, Object>> checkStructure(String file, SopsMetadata metadata,
      List<Map<String, Object>> content) throws SopsException {
    storedMac(file, metadata);
    goRfc3339(file, metadata.lastModified());
    if (metadata.recipients().isEmpty()) {
      throw new SopsException(file, "its data key is wrapped for no recipient");
    }
    SopsTree.Result checked;
    try {
      checked = SopsTree.walk(content, metadata.rule(), metadata.macOnlyEncrypted(), SopsDecryptor::placeholder);
    } catch (SopsTree.LeafFailure e) {
      throw new SopsException(file, e.getMessage());
    }
    boolean identityEncrypted = IDENTITY_PATHS.stream().anyMatch(metadata.rule()::encrypts);
    return identityEncrypted ? Collections.nCopies(content.size(), null) : checked.documents();
  }

  /** An empty value of the encrypted value's type. */
  private static Object placeholder(Object stored, List<String> path) throws SopsTree.LeafFailure {
    EncryptedValue value = encrypted(stored, path);
    if (value == null) {
      return "";
    }
    switch (value.type()) {
      case "int":
        return 0;
      case "float":
        return 0.0;
      case "bool":
        return Boolean.FALSE;
      default:
        return "";
    }
  }

  private static String typeName(Object value) {
    if (value instanceof Boolean) {
      return "boolean";
    }
    return value instanceof Number ? "number" : value.getClass().getSimpleName();
  }
}
