package io.keelson.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.model.ObjectRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeSetTest {

  private static Change change(String name, Action action) {
    return Change.of(new ObjectRef("", "v1", "ConfigMap", "shop", name), action);
  }

  @Test
  void summaryCountsEachActionInOrder() {
    ChangeSet changes = new ChangeSet(List.of(change("a", Action.UNCHANGED), change("b", Action.CREATED),
        change("c", Action.UNCHANGED), change("d", Action.DELETED)));

    assertThat(changes.summary()).isEqualTo("1 created, 2 unchanged, 1 deleted");
    assertThat(changes.writes()).isEqualTo(2);
    assertThat(changes.refs(Action.UNCHANGED)).extracting(ObjectRef::name).containsExactly("a", "c");
  }

  @Test
  void anEmptyChangeSetSaysSo() {
    assertThat(ChangeSet.empty().summary()).isEqualTo("no objects");
    assertThat(ChangeSet.empty().writes()).isZero();
  }
}
