package io.keelson.agent.sync;

import java.util.List;
import java.util.Map;

/** The cart workload the release tests put under a release policy: one Deployment and its Service. */
public final class CartManifests {

  /** The Service cart, port 80, selecting the cart pods. */
  public static final String SERVICE = """
      apiVersion: v1
      kind: Service
      metadata:
        name: cart
      spec:
        selector: {app: cart}
        ports: [{port: 80}]
      """;

  private CartManifests() {
  }

  /** The Deployment cart running {@code image}. */
  public static String deployment(String image) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: cart
        spec:
          selector:
            matchLabels: {app: cart}
          template:
            metadata:
              labels: {app: cart}
            spec:
              containers: [{name: app, image: "%s"}]
        """.formatted(image);
  }

  /** The pod template of {@link #deployment(String)}, as the release controller records it in a policy's status. */
  public static Map<String, Object> template(String image) {
    return Map.of("metadata", Map.of("labels", Map.of("app", "cart")),
        "spec", Map.of("containers", List.of(Map.of("name", "app", "image", image))));
  }
}
