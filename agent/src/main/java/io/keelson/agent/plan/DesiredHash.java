package io.keelson.agent.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A fingerprint of an object's desired content: SHA-256 of its canonical JSON (map keys sorted), so the
 * same content hashes the same whatever order its file wrote the fields in.
 */
public final class DesiredHash {

  private static final ObjectMapper CANONICAL = new ObjectMapper()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private DesiredHash() {}

  /** @param object a plain map, or a model object Jackson writes as the same JSON */
  public static String of(Object object) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(CANONICAL.writeValueAsBytes(object)));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the object cannot be written as JSON", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
