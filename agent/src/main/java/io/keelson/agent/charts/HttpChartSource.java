package io.keelson.agent.charts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.keelson.agent.render.ChartRepository;
import io.keelson.agent.render.ChartSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pulls one chart version from an HTTP chart repository, as {@code helm pull} does: reads the repository's
 * {@code index.yaml}, downloads the package it lists (relative to the repository's URL), checks the
 * package's SHA-256 digest against the index and unpacks it. Done by the agent itself, so the credentials
 * stay in its memory: the render tools never see them, and run without network. Every failure is one line
 * naming the repository (never a credential).
 */
public final class HttpChartSource implements ChartSource {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final HttpClient http;
  private final Duration timeout;
  private final long maxBytes;

  /**
   * @param timeout for connecting and for each request
   * @param maxBytes most bytes of an index, a package, and a package unpacked
   */
  public HttpChartSource(Duration timeout, long maxBytes) {
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    this.timeout = timeout;
    this.maxBytes = maxBytes;
  }

  /** Unpacks {@code name} at {@code version} into {@code into} (the package's own top directory inside it). */
  @Override
  public void pull(ChartRepository repository, String name, String version, Path into) throws PullFailed {
    String what = "chart " + name + " " + version + " from chart repository " + repository.url();
    Map<?, ?> index;
    try {
      index = YAML.readValue(get(repository, URI.create(repository.url() + "/index.yaml"), what), Map.class);
    } catch (IOException e) {
      throw new PullFailed("cannot pull " + what + ": its index.yaml is not a chart repository index");
    }
    Map<?, ?> entry = entry(index, name, version)
        .orElseThrow(() -> new PullFailed("cannot pull " + what + ": the repository's index has no such version"));
    if (!(entry.get("urls") instanceof List<?> urls) || urls.isEmpty() || !(urls.get(0) instanceof String url)) {
      throw new PullFailed("cannot pull " + what + ": the index lists no URL for it");
    }
    URI packageUri = URI.create(repository.url() + "/").resolve(url);
    if (!packageUri.toString().startsWith(repository.url() + "/")) {
      // Credentials go only to the repository they were given for.
      throw new PullFailed("cannot pull " + what + ": its package is outside the repository (" + packageUri.getHost() + ")");
    }
    byte[] archive = get(repository, packageUri, what);
    if (entry.get("digest") instanceof String digest && !digest.equalsIgnoreCase(sha256(archive))) {
      throw new PullFailed("cannot pull " + what + ": the package does not match the digest in the index");
    }
    try {
      TarArchive.unpack(new ByteArrayInputStream(archive), into, maxBytes);
    } catch (IOException e) {
      throw new PullFailed("cannot pull " + what + ": " + e.getMessage());
    }
  }

  private static Optional<Map<?, ?>> entry(Map<?, ?> index, String name, String version) {
    if (index.get("entries") instanceof Map<?, ?> entries && entries.get(name) instanceof List<?> versions) {
      for (Object candidate : versions) {
        if (candidate instanceof Map<?, ?> map && version.equals(String.valueOf(map.get("version")))) {
          return Optional.of(map);
        }
      }
    }
    return Optional.empty();
  }

  private byte[] get(ChartRepository repository, URI uri, String what) throws PullFailed {
    String credentials = repository.username().get() + ":" + repository.password().get();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            credentials.getBytes(StandardCharsets.UTF_8)))
        .header("User-Agent", "keelson-agent").GET().build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new PullFailed("cannot pull " + what + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
          : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PullFailed("cannot pull " + what + ": interrupted");
    }
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      if (status == 401 || status == 403) {
        throw new PullFailed("cannot pull " + what + ": the repository refused the credentials configured for it"
            + " (HTTP " + status + ")");
      }
      if (status != 200) {
        throw new PullFailed("cannot pull " + what + ": " + uri.getPath() + " answered HTTP " + status);
      }
      byte[] bytes = body.readNBytes(Math.toIntExact(Math.min(maxBytes + 1, Integer.MAX_VALUE - 8)));
      if (bytes.length > maxBytes) {
        throw new PullFailed("cannot pull " + what + ": " + uri.getPath() + " is larger than " + maxBytes + " bytes");
      }
      return bytes;
    } catch (IOException e) {
      throw new PullFailed("cannot pull " + what + ": " + e.getMessage());
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
