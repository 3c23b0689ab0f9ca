package io.keelson.agent.sync;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.keelson.testkit.Waiter;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * An admission decision that differs between the dry run and the write, as a webhook's, a quota's or a
 * conflict's can: a ValidatingAdmissionPolicy (CEL, in the API server itself) that lets every dry run through and
 * refuses the real create or update of a ConfigMap in one namespace, or of a CRD, whose name starts with
 * {@value #PREFIX}.
 */
final class WriteRefusal {

  static final String PREFIX = "refused";
  static final String MESSAGE = "refused by the admission policy on writes (its dry run passes)";
  private static final Duration EFFECT = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;

  private WriteRefusal(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    this.name = "refuse-writes-" + namespace;
  }

  /** Runs {@code work} while the API server refuses writes as described above. */
  static <T> T during(KubernetesClient client, String namespace, Supplier<T> work) {
    WriteRefusal refusal = install(client, namespace);
    try {
      return work.get();
    } finally {
      refusal.close();
    }
  }

  /** Installs the policy and returns once the API server enforces it. */
  private static WriteRefusal install(KubernetesClient client, String namespace) {
    WriteRefusal refusal = new WriteRefusal(client, namespace);
    client.resource("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata:
          name: %1$s
        spec:
          failurePolicy: Fail
          matchConstraints:
            namespaceSelector:
              matchLabels: {kubernetes.io/metadata.name: %2$s}
            resourceRules:
              - {apiGroups: [""], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: [configmaps]}
              - apiGroups: [apiextensions.k8s.io]
                apiVersions: ["*"]
                operations: [CREATE, UPDATE]
                resources: [customresourcedefinitions]
          matchConditions:
            - name: refused-names
              expression: "object.metadata.name.startsWith('%3$s')"
          validations:
            - expression: "request.dryRun"
              message: "%4$s"
        """.formatted(refusal.name, namespace, PREFIX, MESSAGE)).create();
    client.resource("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata:
          name: %1$s
        spec:
          policyName: %1$s
          validationActions: [Deny]
        """.formatted(refusal.name)).create();
    Waiter.await("the admission policy " + refusal.name + " to refuse writes", EFFECT, Duration.ofMillis(200),
        () -> refusal.probeRefused() ? Boolean.TRUE : null, () -> null);
    return refusal;
  }

  /** Removes the policy and returns once writes pass again. */
  private void close() {
    client.resource("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata:
          name: %s
        """.formatted(name)).delete();
    client.resource("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata:
          name: %s
        """.formatted(name)).delete();
    Waiter.await("the admission policy " + name + " to be lifted", EFFECT, Duration.ofMillis(200),
        () -> probeRefused() ? null : Boolean.TRUE, () -> null);
  }

  /** Writes a probe ConfigMap (and removes it again); true if the write was refused. */
  private boolean probeRefused() {
    try {
      client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
          .withName(PREFIX + "-probe").endMetadata().build()).create();
    } catch (KubernetesClientException e) {
      if (String.valueOf(e.getMessage()).contains(MESSAGE)) {
        return true;
      }
      throw e; // anything else (a probe still being deleted) is "not known yet"
    }
    client.configMaps().inNamespace(namespace).withName(PREFIX + "-probe").delete();
    return false;
  }
}
