package io.keelson.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.model.Ownership;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrunePlannerTest {

  private static final String SOURCE = "apps";
  private static final Map<String, String> OURS = Map.of(Ownership.SOURCE_LABEL, SOURCE);

  private static ObjectRef configMap(String name) {
    return new ObjectRef("", "v1", "ConfigMap", "shop", name);
  }

  private static PrunePlanner.Live live(Map<String, String> labels, Map<String, String> annotations) {
    return PrunePlanner.Live.present("uid-1", labels, annotations);
  }

  @Test
  void deletesOnlyStaleObjectsThatCarryThisSourcesLabel() {
    ObjectRef ours = configMap("ours");
    ObjectRef foreign = configMap("foreign");
    ObjectRef otherSource = configMap("other");
    ObjectRef gone = configMap("gone");
    Map<ObjectRef, PrunePlanner.Live> live = Map.of(ours, live(OURS, Map.of()), foreign, live(Map.of(), Map.of()),
        otherSource, live(Map.of(Ownership.SOURCE_LABEL, "infra"), Map.of()));

    PrunePlanner.Plan plan = PrunePlanner.plan(SOURCE, Set.of(ours, foreign, otherSource, gone), 100, live,
        PruneOptions.defaults());

    assertThat(plan.deletions()).containsExactly(ours);
    assertThat(plan.kept()).extracting(Change::ref).containsExactlyInAnyOrder(foreign, otherSource);
    assertThat(plan.gone()).containsExactly(gone);
    assertThat(plan.refusal()).isEmpty();
  }

  @Test
  void anObjectWhoseKindIsNotServedIsKeptInTheInventoryAndReportedNotTakenForGone() {
    ObjectRef gadget = new ObjectRef("example.com", "v1", "Gadget", "shop", "g1");
    ObjectRef gone = configMap("gone");

    PrunePlanner.Plan plan = PrunePlanner.plan(SOURCE, Set.of(gadget, gone), 100,
        Map.of(gadget, PrunePlanner.Live.kindNotServed(), gone, PrunePlanner.Live.absent()), PruneOptions.defaults());

    assertThat(plan.gone()).containsExactly(gone);
    assertThat(plan.deletions()).isEmpty();
    assertThat(plan.unknown()).singleElement().satisfies(change -> {
      assertThat(change.ref()).isEqualTo(gadget);
      assertThat(change.reason()).contains("does not serve example.com/v1 Gadget").contains("kept in the inventory");
    });
  }

  @Test
  void thePruneAnnotationKeepsAnObject() {
    ObjectRef kept = configMap("kept");
    PrunePlanner.Plan plan = PrunePlanner.plan(SOURCE, Set.of(kept), 100,
        Map.of(kept, live(OURS, Map.of(Ownership.PRUNE_ANNOTATION, "disabled"))), PruneOptions.defaults());

    assertThat(plan.deletions()).isEmpty();
    assertThat(plan.kept()).singleElement().satisfies(change -> {
      assertThat(change.action()).isEqualTo(Action.SKIPPED);
      assertThat(change.reason()).contains("keelson.io/prune: disabled");
    });
  }

  @Test
  void namespacesAndCrdsAreKeptUnlessExplicitlyAllowed() {
    ObjectRef namespace = new ObjectRef("", "v1", "Namespace", null, "shop");
    ObjectRef crd = new ObjectRef("apiextensions.k8s.io", "v1", "CustomResourceDefinition", null, "w.example.com");
    Map<ObjectRef, PrunePlanner.Live> live = Map.of(namespace, live(OURS, Map.of()), crd, live(OURS, Map.of()));

    PrunePlanner.Plan guarded = PrunePlanner.plan(SOURCE, Set.of(namespace, crd), 100, live, PruneOptions.defaults());
    PrunePlanner.Plan allowed = PrunePlanner.plan(SOURCE, Set.of(namespace, crd), 100, live,
        PruneOptions.defaults().withAllowNamespaceDeletion(true).withAllowCrdDeletion(true));

    assertThat(guarded.deletions()).isEmpty();
    assertThat(guarded.kept()).hasSize(2);
    assertThat(allowed.deletions()).containsExactly(namespace, crd); // reverse apply order: CRD last
  }

  @Test
  void aMassPruneIsRefusedWithAClearReasonUntilAllowed() {
    Set<ObjectRef> stale = new LinkedHashSet<>();
    Map<ObjectRef, PrunePlanner.Live> live = new HashMap<>();
    for (int i = 0; i < 8; i++) {
      stale.add(configMap("c" + i));
      live.put(configMap("c" + i), live(OURS, Map.of()));
    }

    PrunePlanner.Plan refused = PrunePlanner.plan(SOURCE, stale, 10, live, PruneOptions.defaults());
    PrunePlanner.Plan allowed = PrunePlanner.plan(SOURCE, stale, 10, live,
        PruneOptions.defaults().withAllowMassPrune(true));

    assertThat(refused.deletions()).isEmpty();
    assertThat(refused.refusal()).hasValueSatisfying(reason ->
        assertThat(reason).contains("8 of 10 objects (80%)").contains("50%").contains("allowMassPrune"));
    assertThat(allowed.deletions()).hasSize(8);
  }

  @Test
  void theFractionGuardDoesNotApplyToTinyInventories() {
    ObjectRef only = configMap("only");
    PrunePlanner.Plan plan = PrunePlanner.plan(SOURCE, Set.of(only), 1, Map.of(only, live(OURS, Map.of())),
        PruneOptions.defaults());
    assertThat(plan.deletions()).containsExactly(only);
  }

  @Test
  void disabledPruneDeletesNothing() {
    ObjectRef ours = configMap("ours");
    PrunePlanner.Plan plan = PrunePlanner.plan(SOURCE, Set.of(ours), 100, Map.of(ours, live(OURS, Map.of())),
        PruneOptions.defaults().withEnabled(false));
    assertThat(plan.deletions()).isEmpty();
    assertThat(plan.kept()).extracting(Change::reason).containsExactly("prune is disabled for this source");
  }

  @Test
  void deletionsFollowReverseKindOrder() {
    ObjectRef deployment = new ObjectRef("apps", "v1", "Deployment", "shop", "cart");
    ObjectRef config = configMap("cart");
    ObjectRef service = new ObjectRef("", "v1", "Service", "shop", "cart");
    Map<ObjectRef, PrunePlanner.Live> live = Map.of(deployment, live(OURS, Map.of()), config, live(OURS, Map.of()),
        service, live(OURS, Map.of()));
    PrunePlanner.Plan plan = PrunePlanner.plan(SOURCE, Set.of(config, service, deployment), 3, live,
        PruneOptions.defaults().withAllowMassPrune(true));
    assertThat(plan.deletions()).isEqualTo(List.of(deployment, service, config));
  }
}
