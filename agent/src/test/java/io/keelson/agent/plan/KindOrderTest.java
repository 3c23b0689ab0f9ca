package io.keelson.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.model.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KindOrderTest {

  private static ObjectRef ref(String group, String kind, String namespace, String name) {
    return new ObjectRef(group, "v1", kind, namespace, name);
  }

  @Test
  void definitionsNamespacesAndIdentityComeBeforeWorkloadsAndCustomResourcesLast() {
    List<ObjectRef> refs = new ArrayList<>(List.of(
        ref("networking.istio.io", "VirtualService", "shop", "cart"),
        ref("apps", "Deployment", "shop", "cart"),
        ref("", "Service", "shop", "cart"),
        ref("", "ConfigMap", "shop", "cart"),
        ref("", "Namespace", null, "shop"),
        ref("apiextensions.k8s.io", "CustomResourceDefinition", null, "widgets.example.com"),
        ref("rbac.authorization.k8s.io", "ClusterRole", null, "reader")));

    refs.sort(KindOrder.APPLY);

    assertThat(refs).extracting(ObjectRef::kind).containsExactly("CustomResourceDefinition", "Namespace",
        "ClusterRole", "ConfigMap", "Service", "Deployment", "VirtualService");
  }

  @Test
  void deletionIsTheReverseOfApply() {
    List<ObjectRef> refs = new ArrayList<>(List.of(ref("", "Namespace", null, "shop"),
        ref("apps", "Deployment", "shop", "cart")));

    refs.sort(KindOrder.DELETE);

    assertThat(refs).extracting(ObjectRef::kind).containsExactly("Deployment", "Namespace");
  }

  @Test
  void aCustomKindNamedLikeABuiltInOneIsStillACustomResource() {
    assertThat(KindOrder.rank(ref("example.com", "Namespace", null, "x")))
        .isGreaterThan(KindOrder.rank(ref("apps", "Deployment", "a", "b")));
    assertThat(KindOrder.isFoundation(ref("example.com", "Namespace", null, "x"))).isFalse();
    assertThat(KindOrder.isFoundation(ref("", "Namespace", null, "x"))).isTrue();
    assertThat(KindOrder.isFoundation(ref("rbac.authorization.k8s.io", "ClusterRoleBinding", null, "x"))).isTrue();
    assertThat(KindOrder.isFoundation(ref("rbac.authorization.k8s.io", "Role", "a", "x"))).isFalse();
  }
}
