package io.keelson.agent.service;

/** The cart workload the release tests put under a release policy: one Deployment and its Service. */
final class CartManifests {

  /** The Service cart, port 80, selecting the cart pods. */
  static final String SERVICE = """
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
  static String deployment(String image) {
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
}
