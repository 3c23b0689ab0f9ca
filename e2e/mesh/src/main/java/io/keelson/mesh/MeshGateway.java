package io.keelson.mesh;

import java.util.List;

/** Which gateways a VirtualService binds to, and whether a request's gateway is one of them. */
final class MeshGateway {

  /** Istio's name for all sidecars, the gateway of traffic inside the mesh. */
  static final String MESH = "mesh";

  private MeshGateway() {}

  /**
   * Whether a request through {@code requestGateway} (null = mesh) is bound by {@code gateways}, as written in
   * a VirtualService (or one of its matches) of {@code namespace}. No gateways at all means {@code mesh}. A
   * gateway without namespace lives in the VirtualService's namespace; a request may name its gateway without
   * namespace, then only the name has to agree.
   */
  static boolean binds(List<String> gateways, String namespace, String requestGateway) {
    if (gateways == null || gateways.isEmpty()) {
      return requestGateway == null;
    }
    for (String gateway : gateways) {
      if (MESH.equals(gateway)) {
        if (requestGateway == null) {
          return true;
        }
        continue;
      }
      if (requestGateway == null) {
        continue;
      }
      String qualified = gateway.contains("/") ? gateway : namespace + "/" + gateway;
      String name = qualified.substring(qualified.indexOf('/') + 1);
      if (requestGateway.contains("/") ? qualified.equals(requestGateway) : name.equals(requestGateway)) {
        return true;
      }
    }
    return false;
  }
}
