package io.keelson.agent.resources;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves the status page: one self-contained HTML file that polls {@code api/v1/status} and renders it.
 *
 * <p>The page is read from the classpath once. Its Content-Security-Policy allows exactly the page's own inline
 * script and style (by hash) and requests to this origin, so even a rendering mistake could not run a script
 * smuggled in through a commit message or an error text.
 */
@Path("/")
public final class StatusPageResource {

  /** Where the page lives on the classpath. */
  public static final String PAGE = "/io/keelson/agent/status/index.html";

  private static final Pattern SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);
  private static final Pattern STYLE = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL);

  private final String html;
  private final String contentSecurityPolicy;

  public StatusPageResource() {
    this.html = load();
    this.contentSecurityPolicy = "default-src 'none'; script-src " + hashes(SCRIPT, html) + "; style-src "
        + hashes(STYLE, html) + "; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
        + "frame-ancestors 'none'";
  }

  @GET
  @Produces(MediaType.TEXT_HTML + "; charset=UTF-8")
  public Response page() {
    return Response.ok(html)
        .header(HttpHeaders.CACHE_CONTROL, "no-cache")
        .header("Content-Security-Policy", contentSecurityPolicy)
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .build();
  }

  /** The page's HTML, as served. */
  public String html() {
    return html;
  }

  private static String load() {
    try (InputStream in = StatusPageResource.class.getResourceAsStream(PAGE)) {
      if (in == null) {
        throw new IllegalStateException("the status page " + PAGE + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the status page " + PAGE, e);
    }
  }

  /** CSP source expressions for every inline block the pattern finds, e.g. {@code 'sha256-...'}. */
  static String hashes(Pattern block, String html) {
    StringBuilder sources = new StringBuilder();
    Matcher matcher = block.matcher(html);
    while (matcher.find()) {
      if (sources.length() > 0) {
        sources.append(' ');
      }
      sources.append("'sha256-").append(sha256(matcher.group(1))).append('\'');
    }
    return sources.length() == 0 ? "'none'" : sources.toString();
  }

  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
