package io.keelson.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The API server's own record of every write it completed (its audit log, written before the answer is
 * sent): who wrote what, and when the request arrived. What tests use to prove a client wrote nothing.
 */
public final class AuditLog {

  /** What the API server is told to record: writes only, at the Metadata level. */
  static final String POLICY = """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: [RequestReceived]
      rules:
        - level: Metadata
          verbs: [create, update, patch, delete, deletecollection]
        - level: None
      """;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> WRITES = Set.of("create", "update", "patch", "delete", "deletecollection");

  /** One completed write; a dry run is recorded too, and says so. */
  public record Write(String verb, String resource, String namespace, String name, String userAgent,
      String requestUri, int code, Instant received, Instant completed) {

    public boolean dryRun() {
      return requestUri.contains("dryRun=All");
    }

    /** Sent by a client whose user agent contains {@code part}. */
    public boolean by(String part) {
      return userAgent.contains(part);
    }

    @Override
    public String toString() {
      return verb + " " + resource + " " + namespace + "/" + name + " (" + code + ") by " + userAgent + " at "
          + received;
    }
  }

  private final Path file;

  AuditLog(Path file) {
    this.file = file;
  }

  /** Every write recorded so far, in the order the API server completed them. */
  public List<Write> writes() {
    List<Write> writes = new ArrayList<>();
    if (Files.notExists(file)) {
      return writes;
    }
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = JSON.readTree(line);
        if (!WRITES.contains(event.path("verb").asText())) {
          continue;
        }
        JsonNode object = event.path("objectRef");
        writes.add(new Write(event.path("verb").asText(), object.path("resource").asText(),
            object.path("namespace").asText(), object.path("name").asText(), event.path("userAgent").asText(),
            event.path("requestURI").asText(), event.path("responseStatus").path("code").asInt(),
            Instant.parse(event.path("requestReceivedTimestamp").asText()),
            Instant.parse(event.path("stageTimestamp").asText())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audit log " + file, e);
    }
    return writes;
  }
}
