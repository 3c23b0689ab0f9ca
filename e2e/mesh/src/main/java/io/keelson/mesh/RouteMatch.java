package io.keelson.mesh;

import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMatchRequest;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatch;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchExact;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchPrefix;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchRegex;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Istio's HTTP match semantics: a route without {@code match} takes every request; its matches are ORed; the
 * conditions of one match are ANDed. Supported: {@code uri}, {@code headers}, {@code withoutHeaders},
 * {@code authority}, {@code method}, {@code queryParams}, {@code ignoreUriCase}, {@code gateways},
 * {@code sourceNamespace}. A match using a condition the simulator cannot judge ({@code port},
 * {@code sourceLabels}, {@code scheme}) never matches, so such a route is never taken by mistake.
 */
final class RouteMatch {

  /** Compiled regular expressions by source; empty for one that does not compile (Istio would reject it). */
  private static final Map<String, Optional<Pattern>> PATTERNS = new ConcurrentHashMap<>();
  private static final int PATTERN_CACHE_LIMIT = 10_000;

  private RouteMatch() {}

  static boolean matches(HTTPRoute route, MeshRequest request, String namespace) {
    if (route.getMatch() == null || route.getMatch().isEmpty()) {
      return true;
    }
    for (HTTPMatchRequest match : route.getMatch()) {
      if (match != null && matches(match, request, namespace)) {
        return true;
      }
    }
    return false;
  }

  static boolean matches(HTTPMatchRequest match, MeshRequest request, String namespace) {
    if (match.getPort() != null || (match.getSourceLabels() != null && !match.getSourceLabels().isEmpty())
        || match.getScheme() != null) {
      return false;
    }
    if (match.getGateways() != null && !match.getGateways().isEmpty()
        && !MeshGateway.binds(match.getGateways(), namespace, request.gateway())) {
      return false;
    }
    if (match.getSourceNamespace() != null && !match.getSourceNamespace().equals(request.sourceNamespace())) {
      return false;
    }
    boolean ignoreCase = Boolean.TRUE.equals(match.getIgnoreUriCase());
    if (match.getUri() != null && !matches(match.getUri(), request.pathOnly(), ignoreCase)) {
      return false;
    }
    if (match.getAuthority() != null && !matches(match.getAuthority(), request.host(), false)) {
      return false;
    }
    String method = request.header(":method");
    if (match.getMethod() != null && !matches(match.getMethod(), method == null ? "GET" : method, false)) {
      return false;
    }
    if (match.getHeaders() != null) {
      for (Map.Entry<String, StringMatch> header : match.getHeaders().entrySet()) {
        if (!matches(header.getValue(), request.header(header.getKey()), false)) {
          return false;
        }
      }
    }
    if (match.getWithoutHeaders() != null) {
      for (Map.Entry<String, StringMatch> header : match.getWithoutHeaders().entrySet()) {
        if (matches(header.getValue(), request.header(header.getKey()), false)) {
          return false;
        }
      }
    }
    if (match.getQueryParams() != null) {
      Map<String, String> query = QueryString.parse(request.path());
      for (Map.Entry<String, StringMatch> param : match.getQueryParams().entrySet()) {
        if (!matches(param.getValue(), query.get(param.getKey()), false)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * One string condition. An absent value never matches; an empty condition ({@code {}}) matches any present
   * value. A regex must match the whole value, as RE2 in Envoy does.
   */
  static boolean matches(StringMatch condition, String value, boolean ignoreCase) {
    if (value == null) {
      return false;
    }
    if (condition == null || condition.getMatchType() == null) {
      return true;
    }
    if (condition.getMatchType() instanceof StringMatchExact exact) {
      return ignoreCase ? value.equalsIgnoreCase(exact.getExact()) : value.equals(exact.getExact());
    }
    if (condition.getMatchType() instanceof StringMatchPrefix prefix) {
      String wanted = prefix.getPrefix() == null ? "" : prefix.getPrefix();
      return ignoreCase ? value.toLowerCase(Locale.ROOT).startsWith(wanted.toLowerCase(Locale.ROOT))
          : value.startsWith(wanted);
    }
    if (condition.getMatchType() instanceof StringMatchRegex regex) {
      return fullMatch(regex.getRegex(), value);
    }
    return false;
  }

  /** Whether {@code regex} matches the whole of {@code value}, as RE2 in Envoy does; never for a broken regex. */
  static boolean fullMatch(String regex, String value) {
    return pattern(regex).map(p -> p.matcher(value).matches()).orElse(false);
  }

  private static Optional<Pattern> pattern(String regex) {
    if (regex == null) {
      return Optional.empty();
    }
    if (PATTERNS.size() > PATTERN_CACHE_LIMIT) {
      PATTERNS.clear();
    }
    return PATTERNS.computeIfAbsent(regex, source -> {
      try {
        return Optional.of(Pattern.compile(source));
      } catch (PatternSyntaxException e) {
        return Optional.empty();
      }
    });
  }
}
