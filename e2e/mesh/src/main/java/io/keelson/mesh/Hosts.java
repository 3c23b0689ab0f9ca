package io.keelson.mesh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Host names as Istio resolves them: short names are relative to a namespace, the rest is literal. */
final class Hosts {

  static final String CLUSTER_SUFFIX = ".svc.cluster.local";

  private Hosts() {}

  /** The host of an authority: lower case, without {@code :port} or a trailing dot. */
  static String ofAuthority(String authority) {
    String host = authority.strip().toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    if (colon >= 0 && host.indexOf(']') < colon) {
      host = host.substring(0, colon);
    }
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  /**
   * A host written in a VirtualService or DestinationRule of {@code namespace}: a short name such as
   * {@code cart} means {@code cart.<namespace>.svc.cluster.local}; a name with a dot or a wildcard is taken
   * as written.
   */
  static String resolve(String host, String namespace) {
    String lower = host.strip().toLowerCase(Locale.ROOT);
    return lower.contains(".") || lower.contains("*") ? lower : lower + "." + namespace + CLUSTER_SUFFIX;
  }

  /** The service FQDN of a Service. */
  static String fqdn(String name, String namespace) {
    return name + "." + namespace + CLUSTER_SUFFIX;
  }

  /**
   * The names a request's host may stand for, most literal first, as the caller's DNS search path would
   * expand them: {@code cart} (in the caller's namespace), {@code cart.shop}, {@code cart.shop.svc}.
   */
  static List<String> candidates(String host, String sourceNamespace) {
    List<String> names = new ArrayList<>();
    names.add(host);
    long dots = host.chars().filter(c -> c == '.').count();
    if (dots == 0 && sourceNamespace != null) {
      names.add(fqdn(host, sourceNamespace));
    } else if (dots == 1) {
      names.add(host + CLUSTER_SUFFIX);
    } else if (host.endsWith(".svc")) {
      names.add(host + ".cluster.local");
    }
    return names;
  }

  /** Whether a host pattern (exact, {@code *.suffix} or {@code *}) covers {@code host}. */
  static boolean covers(String pattern, String host) {
    if (pattern.equals(host) || "*".equals(pattern)) {
      return true;
    }
    return pattern.startsWith("*.") && host.endsWith(pattern.substring(1));
  }

  /** The service name of an FQDN ({@code cart} of {@code cart.shop.svc.cluster.local}). */
  static String serviceName(String fqdn) {
    int dot = fqdn.indexOf('.');
    return dot < 0 ? fqdn : fqdn.substring(0, dot);
  }
}
