package io.keelson.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.keelson.agent.model.DesiredObject;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.model.Origin;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.model.Rendered;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ManifestRendererTest {

  @TempDir
  Path root;

  private Rendered render(String... paths) {
    return render(RenderOptions.defaults("apps"), paths);
  }

  private Rendered render(RenderOptions options, String... paths) {
    return new ManifestRenderer(options).render(root, List.of(paths), Kinds.CLUSTER);
  }

  private List<String> errors(Rendered rendered) {
    return rendered.errors().stream().map(RenderError::toString).toList();
  }

  @Test
  void aFileTheLastRenderParsedIsNotCopiedAgain() {
    new Tree(root).file("cart.yaml", Tree.configMap("cart"));
    ManifestRenderer renderer = new ManifestRenderer(RenderOptions.defaults("apps"));
    TreeIds ids = TreeIds.of("r1", Map.of("cart.yaml", "b1"));

    Rendered first = renderer.render(root, List.of("."), Kinds.CLUSTER, ClusterCapabilities.NONE, ids);
    Rendered second = renderer.render(root, List.of("."), Kinds.CLUSTER, ClusterCapabilities.NONE,
        TreeIds.of("r2", Map.of("cart.yaml", "b1")));

    // The objects take the parsed values as they are: the agent holds each object's content once, however
    // many renders and syncs refer to it.
    assertThat(second.objects().get(0).object().getAdditionalProperties().get("data"))
        .isNotNull().isSameAs(first.objects().get(0).object().getAdditionalProperties().get("data"));
    assertThat(second.objects().get(0).object()).isNotSameAs(first.objects().get(0).object());
  }

  @Test
  void producesGenericResourcesWithDefaultNamespaceAndRef() {
    new Tree(root).file("cart.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: cart
          labels: {app: cart}
        spec:
          replicas: 3
        """);

    Rendered rendered = render(".");

    assertThat(rendered.errors()).isEmpty();
    DesiredObject cart = rendered.objects().get(0);
    assertThat(cart.object()).isInstanceOf(GenericKubernetesResource.class);
    assertThat(cart.object().getMetadata().getNamespace()).isEqualTo("apps");
    assertThat(cart.object().getMetadata().getLabels()).containsEntry("app", "cart");
    assertThat(cart.object().getAdditionalProperties().get("spec")).isEqualTo(Map.of("replicas", 3));
    assertThat(cart.ref()).isEqualTo(ObjectRef.of(cart.object()));
    assertThat(cart.ref()).isEqualTo(new ObjectRef("apps", "v1", "Deployment", "apps", "cart"));
    assertThat(cart.origin()).isEqualTo(new Origin("cart.yaml", 1, 1));
  }

  @Test
  void keepsADeclaredNamespaceAndLeavesClusterScopedObjectsWithout() {
    new Tree(root).file("a.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: shop}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: reader}
        """);

    Rendered rendered = render("");

    assertThat(rendered.objects()).extracting(object -> object.ref().toString())
        .containsExactly("ConfigMap shop/settings", "ClusterRole reader");
    assertThat(rendered.objects().get(1).object().getMetadata().getNamespace()).isNull();
  }

  @Test
  void skipsEmptyDocumentsButCountsThemInTheIndex() {
    new Tree(root).file("multi.yaml", """
        # only a comment
        ---
        ---
        null
        ---
        %s---

        ---
        # trailing comment
        """.formatted(Tree.configMap("one")) + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n");

    Rendered rendered = render(".");

    assertThat(errors(rendered)).containsExactly("multi.yaml:17 (document 6): missing metadata.name");
  }

  @Test
  void flattensListsKeepingTheDocumentIndexAndEachItemsLine() {
    new Tree(root).file("lists.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: first}
        ---
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: ConfigMap
          metadata: {name: a}
        - apiVersion: v1
          kind: ConfigMap
          metadata: {name: b}
        ---
        apiVersion: v1
        kind: ConfigMapList
        items:
        - apiVersion: v1
          kind: ConfigMap
          metadata: {name: c}
        """);

    Rendered rendered = render(".");

    assertThat(rendered.objects()).extracting(DesiredObject::origin).containsExactly(
        new Origin("lists.yaml", 1, 1), new Origin("lists.yaml", 2, 8), new Origin("lists.yaml", 2, 11),
        new Origin("lists.yaml", 3, 18));
    assertThat(rendered.objects()).extracting(object -> object.ref().name()).containsExactly("first", "a", "b", "c");
  }

  static Stream<Arguments> invalidObjects() {
    return Stream.of(
        Arguments.of("kind: ConfigMap\nmetadata: {name: x}\n", "missing apiVersion"),
        Arguments.of("apiVersion: v1\nmetadata: {name: x}\n", "missing kind"),
        Arguments.of("apiVersion: v1\nkind: ConfigMap\n", "missing metadata.name"),
        Arguments.of("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", "missing metadata.name"),
        Arguments.of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ''}\n", "missing metadata.name (it is empty)"),
        Arguments.of("apiVersion: ''\nkind: ConfigMap\nmetadata: {name: x}\n", "missing apiVersion (it is empty)"),
        Arguments.of("apiVersion: v1\nkind: 7\nmetadata: {name: x}\n", "kind must be a string, found a number"),
        Arguments.of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [x]}\n",
            "metadata.name must be a string, found a list"),
        Arguments.of("apiVersion: v1\nkind: ConfigMap\nmetadata: name\n", "metadata must be a mapping, found a string"),
        Arguments.of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: 3}\n",
            "metadata.namespace must be a string, found a number"),
        Arguments.of("- a\n- b\n", "document must be a mapping (an object), found a list"),
        Arguments.of("just text\n", "document must be a mapping (an object), found a string"),
        Arguments.of("apiVersion: v1\nkind: List\nitems: {}\n", "List needs an items list"),
        Arguments.of("apiVersion: v1\nkind: List\nitems: [3]\n", "List item must be a mapping (an object), found a number"),
        Arguments.of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, labels: [a]}\n",
            "field metadata.labels of ConfigMap x has the wrong type"));
  }

  @ParameterizedTest
  @MethodSource("invalidObjects")
  void rejectsObjectsWithoutTheRequiredFields(String manifest, String reason) {
    new Tree(root).file("apps/bad.yaml", "---\n" + manifest);

    Rendered rendered = render(".");

    assertThat(rendered.objects()).isEmpty();
    assertThat(errors(rendered)).containsExactly("apps/bad.yaml:2 (document 1): " + reason);
  }

  @Test
  void errorNamesFileLineAndDocument() {
    new Tree(root).file("apps/cart.yaml", Tree.configMap("cart") + "---\n" + "# the second one\n".repeat(4)
        + "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {}\n");

    Rendered rendered = render("apps");

    assertThat(errors(rendered)).containsExactly("apps/cart.yaml:12 (document 2): missing metadata.name");
  }

  @Test
  void collectsEveryErrorSortedByFileAndLineAndDropsAllObjects() {
    new Tree(root)
        .file("b.yaml", "apiVersion: v1\nkind: ConfigMap\n---\n" + Tree.configMap("fine") + "---\nkind: Secret\n")
        .file("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\napiVersion: v1\n")
        .file("c.yaml", Tree.configMap("ok"));

    Rendered rendered = render(".");

    assertThat(rendered.ok()).isFalse();
    assertThat(rendered.objects()).isEmpty();
    assertThat(errors(rendered)).containsExactly(
        "a.yaml:5 (document 2): missing kind",
        "a.yaml:5 (document 2): missing metadata.name",
        "b.yaml:1 (document 1): missing metadata.name",
        "b.yaml:11 (document 3): missing apiVersion",
        "b.yaml:11 (document 3): missing metadata.name");
  }

  @Test
  void duplicateIdentityNamesBothOriginsEvenAcrossApiVersions() {
    new Tree(root)
        .file("a/cart.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cart}\n")
        .file("b/cart.yaml", "# copy\napiVersion: apps/v1beta2\nkind: Deployment\nmetadata: {name: cart, namespace: apps}\n")
        .file("c/cart.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cart}\n");

    Rendered rendered = render(".");

    assertThat(errors(rendered)).containsExactly("b/cart.yaml:2 (document 1): Deployment apps/cart is declared"
        + " twice: at a/cart.yaml:1 (document 1) and at b/cart.yaml:2 (document 1)");
  }

  @Test
  void sameNameInDifferentNamespacesIsNoDuplicate() {
    new Tree(root).file("a.yaml", Tree.configMap("cart") + "---\n"
        + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cart, namespace: other}\n");

    assertThat(render(".").objects()).hasSize(2);
  }

  static Stream<Arguments> namespacePolicy() {
    RenderOptions open = RenderOptions.defaults("apps");
    RenderOptions fenced = open.withAllowedNamespaces(Set.of("apps", "shop"));
    return Stream.of(
        Arguments.of(open, "apiVersion: v1\nkind: Namespace\nmetadata: {name: apps, namespace: apps}\n",
            "Namespace is cluster-scoped but Namespace apps/apps sets metadata.namespace"),
        Arguments.of(fenced, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: kube-system}\n",
            "namespace kube-system of ConfigMap kube-system/x is not allowed; allowed namespaces: apps, shop"),
        Arguments.of(fenced.withDefaultNamespace("default"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
            "namespace default of ConfigMap x is not allowed; allowed namespaces: apps, shop"),
        Arguments.of(fenced, "apiVersion: v1\nkind: Namespace\nmetadata: {name: kube-system}\n",
            "Namespace kube-system is not allowed; allowed namespaces: apps, shop"),
        Arguments.of(open.withDeniedKinds(Set.of("ClusterRoleBinding")),
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: admin}\n",
            "kind rbac.authorization.k8s.io/ClusterRoleBinding is denied by policy (ClusterRoleBinding admin)"),
        Arguments.of(open.withDeniedKinds(Set.of("rbac.authorization.k8s.io/ClusterRoleBinding")),
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: admin}\n",
            "kind rbac.authorization.k8s.io/ClusterRoleBinding is denied by policy (ClusterRoleBinding admin)"),
        Arguments.of(open.withDeniedKinds(Set.of("Secret")),
            "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\n",
            "kind Secret is denied by policy (Secret db)"),
        Arguments.of(open, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
            "unknown kind example.com/v1/Widget: not served by the API server and no CRD in this revision defines it"));
  }

  @ParameterizedTest
  @MethodSource("namespacePolicy")
  void enforcesNamespaceAndKindPolicy(RenderOptions options, String manifest, String reason) {
    new Tree(root).file("x.yaml", manifest);

    Rendered rendered = render(options, ".");

    assertThat(errors(rendered)).containsExactly("x.yaml:1 (document 1): " + reason);
  }

  @Test
  void allowedNamespacesAcceptObjectsInsideThem() {
    new Tree(root).file("x.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"
        + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: shop}\n---\n" + Tree.configMap("y"));

    Rendered rendered = render(RenderOptions.defaults("apps").withAllowedNamespaces(Set.of("apps", "shop")), ".");

    assertThat(rendered.errors()).isEmpty();
    assertThat(rendered.objects()).hasSize(3);
  }

  @Test
  void aCrdInTheRevisionDecidesTheScopeOfKindsDiscoveryDoesNotKnow() {
    new Tree(root).file("crds.yaml", """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          scope: Namespaced
          names: {kind: Widget, plural: widgets}
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: gadgets.example.com}
        spec:
          group: example.com
          scope: Cluster
          names: {kind: Gadget, plural: gadgets}
        """).file("objects.yaml", """
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        ---
        apiVersion: example.com/v1
        kind: Gadget
        metadata: {name: g}
        """);

    Rendered rendered = render(".");

    assertThat(rendered.errors()).isEmpty();
    assertThat(rendered.objects()).extracting(object -> object.ref().toString())
        .containsExactly("CustomResourceDefinition widgets.example.com", "CustomResourceDefinition gadgets.example.com",
            "Widget apps/w", "Gadget g");
  }

  @Test
  void jsonFilesHoldOneObjectOrAList() {
    new Tree(root).file("one.json", """
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "one"}, "data": {"n": "1"}}
        """).file("list.json", """
        {
          "apiVersion": "v1",
          "kind": "List",
          "items": [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},
            {"apiVersion": "v1", "kind": "ConfigMap",
             "metadata": {"name": "b"}}
          ]
        }
        """);

    Rendered rendered = render(".");

    assertThat(rendered.errors()).isEmpty();
    assertThat(rendered.objects()).extracting(DesiredObject::origin).containsExactly(
        new Origin("list.json", 1, 5), new Origin("list.json", 1, 6), new Origin("one.json", 1, 1));
  }

  @Test
  void jsonErrorsCarryTheirLine() {
    new Tree(root)
        .file("syntax.json", "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\"\n  \"metadata\": {}\n}\n")
        .file("dup.json", "{\n  \"apiVersion\": \"v1\",\n  \"apiVersion\": \"v2\"\n}\n")
        .file("two.json", "{}\n{}\n")
        .file("fields.json", "\n\n{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\"}\n");

    Rendered rendered = render(".");

    assertThat(errors(rendered)).satisfiesExactly(
        error -> assertThat(error).isEqualTo("dup.json:3 (document 1): duplicate key 'apiVersion'"),
        error -> assertThat(error).isEqualTo("fields.json:3 (document 1): missing metadata.name"),
        error -> assertThat(error).startsWith("syntax.json:4 (document 1): invalid JSON: "),
        error -> assertThat(error).isEqualTo(
            "two.json:2 (document 1): a JSON file holds one value (an object or a List); more follows"));
  }

  @Test
  void appliesTheAliasAndDocumentLimitsOfItsOptions() {
    new Tree(root).file("aliases.yaml", "a: &a [1]\nb: [*a, *a, *a]\n").file("docs.yaml", Tree.configMap("a") + "---\n" + Tree.configMap("b"));

    Rendered rendered = render(RenderOptions.defaults("apps").withMaxAliases(2).withMaxDocuments(1), ".");

    assertThat(errors(rendered)).containsExactly(
        "aliases.yaml:2 (document 1): too many aliases: more than 2 aliases to lists or mappings in one file"
            + " (a YAML alias bomb?)",
        "docs.yaml:7 (document 2): file has more documents than the limit of 1");
  }

  @Test
  void rejectsFilesThatAreNotUtf8() throws java.io.IOException {
    java.nio.file.Files.write(root.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});

    assertThat(errors(render("."))).containsExactly("latin1.yaml: file is not valid UTF-8");
  }
}
