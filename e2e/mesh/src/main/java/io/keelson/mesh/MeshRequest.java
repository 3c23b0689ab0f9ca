package io.keelson.mesh;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request as the mesh sees it.
 *
 * @param host the authority: {@code cart}, {@code cart.shop}, {@code cart.shop.svc.cluster.local} or any other
 *     host a VirtualService names, optionally with {@code :port}
 * @param path the request path, with its query string if any; {@code /} when empty
 * @param headers request headers; names are case-insensitive (kept in lower case, as Istio matches them)
 * @param gateway the ingress gateway the request entered through, {@code namespace/name} or {@code name};
 *     null for traffic between sidecars (the {@code mesh} gateway)
 * @param sourceNamespace the caller's namespace, which resolves a short host such as {@code cart} the way the
 *     caller's DNS search path would; null when unknown
 */
public record MeshRequest(String host, String path, Map<String, String> headers, String gateway,
    String sourceNamespace) {

  public MeshRequest {
    Objects.requireNonNull(host, "host");
    path = path == null || path.isEmpty() ? "/" : path;
    Map<String, String> lower = new LinkedHashMap<>();
    if (headers != null) {
      headers.forEach((name, value) -> {
        if (name != null && value != null) {
          lower.put(name.toLowerCase(Locale.ROOT), value);
        }
      });
    }
    headers = Collections.unmodifiableMap(lower);
    gateway = gateway == null || gateway.isBlank() || MeshGateway.MESH.equals(gateway) ? null : gateway;
  }

  /** A request from a caller of unknown namespace. */
  public MeshRequest(String host, String path, Map<String, String> headers, String gateway) {
    this(host, path, headers, gateway, null);
  }

  /** Mesh traffic to {@code host} without headers. */
  public static MeshRequest to(String host, String path) {
    return new MeshRequest(host, path, Map.of(), null, null);
  }

  /** A header's value, by case-insensitive name; null when absent. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** The path without its query string. */
  public String pathOnly() {
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }
}
