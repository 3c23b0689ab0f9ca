package io.keelson.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The control plane the harness starts does real server-side apply, field ownership and dry run. */
@ControlPlaneTest(crds = "crds/widgets.yaml")
class ServerSideApplyIT {

  private static final ResourceDefinitionContext WIDGETS = new ResourceDefinitionContext.Builder()
      .withGroup("test.keelson.io").withVersion("v1").withKind("Widget").withPlural("widgets").withNamespaced(true)
      .build();

  @Test
  void serverSideApplyRecordsKeelsonAsFieldManagerOfAConfigMap(KubernetesClient client, TestNamespace ns) {
    ConfigMap applied = client.resource(configMap(ns, "settings", "blue"))
        .fieldManager("keelson").forceConflicts().serverSideApply();

    assertThat(managers(applied.getMetadata().getManagedFields())).containsExactly("keelson");
    assertThat(client.configMaps().inNamespace(ns.name()).withName("settings").get().getData())
        .containsEntry("colour", "blue");
  }

  @Test
  void serverSideApplyOfACrdAndItsCustomResource(ControlPlane plane, KubernetesClient client, TestNamespace ns) {
    CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
        .withName("widgets.test.keelson.io").get();
    assertThat(managers(crd.getMetadata().getManagedFields())).contains("keelson-testkit");

    GenericKubernetesResource widget = new GenericKubernetesResourceBuilder()
        .withApiVersion("test.keelson.io/v1").withKind("Widget")
        .withNewMetadata().withName("w1").withNamespace(ns.name()).endMetadata()
        .withAdditionalProperties(Map.of("spec", Map.of("size", 3)))
        .build();
    GenericKubernetesResource applied = client.genericKubernetesResources(WIDGETS).inNamespace(ns.name())
        .resource(widget).fieldManager("keelson").forceConflicts().serverSideApply();

    assertThat(managers(applied.getMetadata().getManagedFields())).containsExactly("keelson");
    GenericKubernetesResource live = client.genericKubernetesResources(WIDGETS).inNamespace(ns.name())
        .withName("w1").get();
    assertThat(live.<Integer>get("spec", "size")).isEqualTo(3);
  }

  @Test
  void theApiServerValidatesCustomResourcesAgainstTheCrdSchema(KubernetesClient client, TestNamespace ns) {
    GenericKubernetesResource invalid = new GenericKubernetesResourceBuilder()
        .withApiVersion("test.keelson.io/v1").withKind("Widget")
        .withNewMetadata().withName("w0").withNamespace(ns.name()).endMetadata()
        .withAdditionalProperties(Map.of("spec", Map.of("size", 0)))
        .build();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.genericKubernetesResources(WIDGETS)
            .inNamespace(ns.name()).resource(invalid).fieldManager("keelson").forceConflicts().serverSideApply())
        .hasMessageContaining("spec.size");
  }

  @Test
  void serverSideDryRunPersistsNothing(KubernetesClient client, TestNamespace ns) {
    ConfigMap dryRun = client.resource(configMap(ns, "draft", "red"))
        .dryRun().fieldManager("keelson").forceConflicts().serverSideApply();

    assertThat(dryRun.getData()).containsEntry("colour", "red");
    assertThat(client.configMaps().inNamespace(ns.name()).withName("draft").get()).isNull();

    client.resource(configMap(ns, "draft", "red")).fieldManager("keelson").forceConflicts().serverSideApply();
    client.resource(configMap(ns, "draft", "green")).dryRun().fieldManager("keelson").forceConflicts()
        .serverSideApply();
    assertThat(client.configMaps().inNamespace(ns.name()).withName("draft").get().getData())
        .containsEntry("colour", "red");
  }

  private static ConfigMap configMap(TestNamespace ns, String name, String colour) {
    return new ConfigMapBuilder()
        .withNewMetadata().withName(name).withNamespace(ns.name()).endMetadata()
        .withData(Map.of("colour", colour))
        .build();
  }

  private static List<String> managers(List<ManagedFieldsEntry> entries) {
    return entries.stream().map(ManagedFieldsEntry::getManager).toList();
  }
}
