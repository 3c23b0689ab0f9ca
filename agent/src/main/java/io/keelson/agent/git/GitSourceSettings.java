package io.keelson.agent.git;

import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.URIish;

/**
 * One Git source of desired state.
 *
 * @param name a short name for status and messages
 * @param url {@code https://}, {@code http://}, {@code ssh://}, scp-like {@code git@host:path}, {@code git://}
 *     or {@code file://}. It must not carry a password: credentials go in {@code auth}. Wherever the URL is
 *     shown, it is shown as {@link #displayUrl()}.
 * @param ref a branch ({@code main} or {@code refs/heads/main}), a tag ({@code tag:v1} or {@code refs/tags/v1};
 *     an annotated tag is peeled to its commit, and it is the commit whose signature is verified), or any other
 *     full ref name starting with {@code refs/}
 * @param paths directories or files, relative to the repository root, whose changes matter; empty, {@code ""}
 *     or {@code "."} means the whole repository
 * @param timeout the limit of each network operation (rounded up to whole seconds, as Git counts them)
 */
public record GitSourceSettings(String name, String url, String ref, List<String> paths, GitAuth auth,
    SignaturePolicy verification, Duration timeout) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  public GitSourceSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(ref, "ref");
    paths = paths == null ? List.of() : List.copyOf(paths);
    auth = auth == null ? GitAuth.none() : auth;
    verification = verification == null ? SignaturePolicy.none() : verification;
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("source " + name + ": timeout must be positive");
    }
    URIish parsed;
    try {
      parsed = new URIish(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("source " + name + ": not a Git URL", e);
    }
    if (parsed.getPass() != null) {
      throw new IllegalArgumentException("source " + name
          + ": the URL must not contain a password; configure credentials as auth");
    }
    String full = fullRef(ref);
    if (!Repository.isValidRefName(full)) {
      throw new IllegalArgumentException("source " + name + ": not a valid ref: " + ref);
    }
  }

  /** A source of a branch, with no paths filter, no credentials, no verification and the default timeout. */
  public static GitSourceSettings of(String name, String url, String ref) {
    return new GitSourceSettings(name, url, ref, List.of(), GitAuth.none(), SignaturePolicy.none(), null);
  }

  public GitSourceSettings withPaths(List<String> newPaths) {
    return new GitSourceSettings(name, url, ref, newPaths, auth, verification, timeout);
  }

  public GitSourceSettings withAuth(GitAuth newAuth) {
    return new GitSourceSettings(name, url, ref, paths, newAuth, verification, timeout);
  }

  public GitSourceSettings withVerification(SignaturePolicy newVerification) {
    return new GitSourceSettings(name, url, ref, paths, auth, newVerification, timeout);
  }

  public GitSourceSettings withTimeout(Duration newTimeout) {
    return new GitSourceSettings(name, url, ref, paths, auth, verification, newTimeout);
  }

  /**
   * The URL as status, logs, Events and errors show it: over HTTP(S) the user part is masked, since a token is
   * often pasted there ({@code https://<token>@host/...}); an SSH user name ({@code git@}) is no secret and stays.
   */
  public String displayUrl() {
    return userInfo(url).isEmpty() || !isHttp(url) ? url : url.replace(userInfo(url) + "@", "***@");
  }

  /** The user part of an HTTP(S) URL as written ({@code user}, {@code user:password}), or empty. */
  String httpUserInfo() {
    return isHttp(url) ? userInfo(url) : "";
  }

  private static boolean isHttp(String url) {
    String lower = url.toLowerCase(java.util.Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  private static String userInfo(String url) {
    int scheme = url.indexOf("://");
    if (scheme < 0) {
      return "";
    }
    int start = scheme + 3;
    int end = url.indexOf('/', start);
    String authority = end < 0 ? url.substring(start) : url.substring(start, end);
    int at = authority.lastIndexOf('@');
    return at < 0 ? "" : authority.substring(0, at);
  }

  /** The full ref name on the remote, e.g. {@code refs/heads/main}. */
  public String fullRef() {
    return fullRef(ref);
  }

  /** The timeout in whole seconds, at least one. */
  int timeoutSeconds() {
    long seconds = timeout.toSeconds() + (timeout.toNanosPart() > 0 ? 1 : 0);
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, seconds));
  }

  private static String fullRef(String ref) {
    if (ref.startsWith("tag:")) {
      return Constants.R_TAGS + ref.substring("tag:".length());
    }
    if (ref.startsWith(Constants.R_REFS)) {
      return ref;
    }
    return Constants.R_HEADS + ref;
  }
}
