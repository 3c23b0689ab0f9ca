package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiDiscoveryTest {

  /** Shaped as kube-apiserver answers {@code /apis} for {@code apidiscovery.k8s.io/v2}, trimmed. */
  private static final String APIS = """
      {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {},
       "items": [
         {"metadata": {"name": "apps", "creationTimestamp": null},
          "versions": [{"version": "v1", "freshness": "Current", "resources": [
            {"resource": "deployments", "responseKind": {"group": "", "version": "", "kind": "Deployment"},
             "scope": "Namespaced", "singularResource": "deployment", "verbs": ["get", "patch"],
             "subresources": [{"subresource": "scale", "responseKind": {"group": "autoscaling", "version": "v1",
               "kind": "Scale"}, "verbs": ["get"]}]}]}]},
         {"metadata": {"name": "example.com"},
          "versions": [
            {"version": "v2", "resources": [{"resource": "gadgets", "responseKind": {"kind": "Gadget"},
              "scope": "Cluster"}]},
            {"version": "v1", "resources": [{"resource": "gadgets", "responseKind": {"kind": "Gadget"},
              "scope": "Cluster"}]}]}]}
      """;

  /** {@code /api}: the core group, whose name is empty. */
  private static final String API = """
      {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {},
       "items": [{"metadata": {"creationTimestamp": null}, "versions": [{"version": "v1", "resources": [
         {"resource": "configmaps", "responseKind": {"group": "", "version": "", "kind": "ConfigMap"},
          "scope": "Namespaced"},
         {"resource": "namespaces", "responseKind": {"group": "", "version": "", "kind": "Namespace"},
          "scope": "Cluster"}]}]}]}
      """;

  private static Map<String, ResourceDefinitionContext> kinds(String json) throws Exception {
    return ApiDiscovery.kindsOf(new ObjectMapper().readValue(json, new TypeReference<Map<String, Object>>() {}));
  }

  @Test
  void everyServedVersionOfEveryKindIsFoundWithItsPluralAndScope() throws Exception {
    Map<String, ResourceDefinitionContext> kinds = kinds(APIS);

    assertThat(kinds).containsOnlyKeys("apps/v1/Deployment", "example.com/v2/Gadget", "example.com/v1/Gadget");
    ResourceDefinitionContext deployments = kinds.get("apps/v1/Deployment");
    assertThat(deployments.getGroup()).isEqualTo("apps");
    assertThat(deployments.getVersion()).isEqualTo("v1");
    assertThat(deployments.getPlural()).isEqualTo("deployments");
    assertThat(deployments.isNamespaceScoped()).isTrue();
    assertThat(kinds.get("example.com/v1/Gadget").isNamespaceScoped()).isFalse();
  }

  @Test
  void theCoreGroupIsAddressedByVersionAlone() throws Exception {
    Map<String, ResourceDefinitionContext> kinds = kinds(API);

    assertThat(kinds).containsOnlyKeys("v1/ConfigMap", "v1/Namespace");
    assertThat(kinds.get("v1/ConfigMap").getGroup()).isEmpty();
    assertThat(kinds.get("v1/ConfigMap").isNamespaceScoped()).isTrue();
    assertThat(kinds.get("v1/Namespace").isNamespaceScoped()).isFalse();
  }
}
