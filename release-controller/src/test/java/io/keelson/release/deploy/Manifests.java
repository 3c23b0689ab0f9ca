package io.keelson.release.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Desired-state objects for render tests, written as the YAML a service team commits. */
final class Manifests {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final String NS = "shop";

  private Manifests() {}

  static GenericKubernetesResource parse(String yaml) {
    try {
      return YAML.readValue(yaml, GenericKubernetesResource.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static GenericKubernetesResource deployment(String name, String image) {
    return parse("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %1$s
          namespace: shop
          labels: {team: payments}
        spec:
          replicas: 4
          strategy: {type: RollingUpdate}
          selector:
            matchLabels: {app: %1$s, track: main}
          template:
            metadata:
              labels: {app: %1$s, track: main, tier: web}
            spec:
              containers:
                - name: app
                  image: %2$s
                  ports: [{containerPort: 8080}]
        """.formatted(name, image));
  }

  static GenericKubernetesResource service(String name) {
    return parse("""
        apiVersion: v1
        kind: Service
        metadata:
          name: %1$s
          namespace: shop
          labels: {team: payments}
        spec:
          type: NodePort
          selector: {app: %1$s, tier: web}
          ports:
            - {name: http, port: 80, targetPort: 8080, nodePort: 30080}
        """.formatted(name));
  }

  static GenericKubernetesResource policy(String name, String target) {
    return parse("""
        apiVersion: keelson.io/v1alpha1
        kind: ReleasePolicy
        metadata:
          name: %1$s
          namespace: shop
        spec:
          targetRef: {name: %2$s}
          service: {name: %2$s, port: 80}
          steps: {weights: [10, 50], interval: 1m}
          checks:
            - name: errors
              minRequests: 20
              errorRate: {max: 0.05}
        """.formatted(name, target));
  }

  static GenericKubernetesResource policyWithCanaryReplicas(String name, String target, int replicas) {
    GenericKubernetesResource policy = policy(name, target);
    spec(policy).put("canaryReplicas", replicas);
    return policy;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> spec(GenericKubernetesResource object) {
    return (Map<String, Object>) object.getAdditionalProperties().get("spec");
  }

  static PodTemplateSpec template(GenericKubernetesResource deployment) {
    return YAML.convertValue(spec(deployment).get("template"), PodTemplateSpec.class);
  }

  static String image(GenericKubernetesResource deployment) {
    return deployment.get("spec", "template", "spec", "containers", 0, "image");
  }
}
