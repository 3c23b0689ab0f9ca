package io.keelson.agent.cli;

import static io.keelson.agent.cli.StatusFixtures.NOW;
import static io.keelson.agent.cli.StatusFixtures.converged;
import static io.keelson.agent.cli.StatusFixtures.failing;
import static io.keelson.agent.cli.StatusFixtures.idle;
import static io.keelson.agent.cli.StatusFixtures.progressing;
import static io.keelson.agent.cli.StatusFixtures.stale;
import static io.keelson.agent.cli.StatusFixtures.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.api.StatusView;
import io.keelson.agent.api.StatusView.ErrorView;
import io.keelson.agent.api.StatusView.SourceView;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StatusTableTest {

  private final StatusTable table = new StatusTable();

  /** name, status, width, lines (in order) the output must contain, fragments it must not contain. */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("converged source", status(List.of(converged()), List.of()), 100,
            List.of(
                "keelson-agent 0.1.0 · leader · at 2026-11-22T03:00:00Z",
                "NAME      STATE  APPLIED  AGE  LAST SYNC",
                "platform  Ready  4f2a9c1  3h   APPLIED 42s ago (1.2s)",
                "No release policies."),
            List.of("not converged", "stale", "fetched")),
        Arguments.of("failing source with file and line errors", status(List.of(failing()), List.of()), 120,
            List.of(
                "shop  Failed  4f2a9c1  3h   REJECTED 1m ago (830ms)",
                "    not converged: Deployment shop/cart: rejected at apps/cart.yaml:12 — spec.replicas must be an "
                    + "integer",
                "    fetched b81c07d not applied: cart: replicas from values",
                "    apps/cart.yaml:12: spec.replicas: expected an integer, got \"three\"",
                "    Service shop/cart-canary: admission webhook denied the request"),
            List.of("long body")),
        Arguments.of("stale source", status(List.of(stale()), List.of()), 100,
            List.of(
                "billing  Stale  4f2a9c1  3h   APPLIED 2h ago (2.1s)",
                "    stale: git.example.com: connection timed out; last fetch 1h ago"),
            List.of("not converged")),
        Arguments.of("releases", status(List.of(converged()), List.of(progressing(), idle())), 100,
            List.of(
                "POLICY         PHASE        WEIGHT  STEP",
                "shop/cart      Progressing  20%     2",
                "    step 2 of 5: 20% to the canary, checks passing",
                "shop/checkout  Idle         -       -"),
            List.of("No release policies.")),
        Arguments.of("follower names the leader", new StatusView("keelson-agent", "0.1.0", NOW, false,
                "keelson-agent-7d9f-abcde", List.of(), List.of()), 100,
            List.of("keelson-agent 0.1.0 · follower (leader: keelson-agent-7d9f-abcde) · at 2026-11-22T03:00:00Z"),
            List.of("· leader ·")),
        Arguments.of("empty status", status(List.of(), List.of()), 80,
            List.of("No sources configured.", "No release policies."),
            List.of("NAME", "POLICY")),
        Arguments.of("status with nothing but nulls", new StatusView(null, null, null, false, null, null, null), 80,
            List.of("keelson-agent · follower (leader: none)", "No sources configured.", "No release policies."),
            List.of("null")),
        Arguments.of("narrow width truncates cells and lines with an ellipsis",
            status(List.of(failing(), stale()), List.of(progressing())), 40,
            List.of(
                "keelson-agent 0.1.0 · leader · at 2026-…",
                "NAME     STATE   APPLIED  AGE  LAST SYNC",
                "shop     Failed  4f2a9c1  3h   REJECTED…",
                "    not converged: Deployment shop/cart…",
                "    apps/cart.yaml:12: spec.replicas: e…",
                "billing  Stale   4f2a9c1  3h   APPLIED …",
                "    step 2 of 5: 20% to the canary, che…"),
            List.of("REJECTED 1m ago", "integer")),
        Arguments.of("very narrow width shrinks the widest columns first but never the state",
            status(List.of(failing()), List.of()), 30,
            List.of(
                "NAME  STATE   APP…  AGE  LAST…",
                "shop  Failed  4f2…  3h   REJE…",
                "    not converged: Deployment…"),
            List.of("APPLIED")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rendersTheStatusAsATable(String name, StatusView status, int width, List<String> expectedLines,
      List<String> absent) {
    String out = table.render(status, width);
    List<String> lines = out.lines().toList();

    assertThat(lines).as("lines in order").containsSubsequence(expectedLines);
    for (String fragment : absent) {
      assertThat(out).doesNotContain(fragment);
    }
    assertThat(lines).allSatisfy(line -> {
      assertThat(line.codePointCount(0, line.length())).as(line).isLessThanOrEqualTo(width);
      assertThat(line).as("no trailing blanks").doesNotEndWith(" ");
    });
    assertThat(out).doesNotContain("\u001b");
  }

  @Test
  void everyWidthFromTwentyUpKeepsEveryLineWithinIt() {
    StatusView status = status(List.of(converged(), failing(), stale()), List.of(progressing(), idle()));

    IntStream.rangeClosed(20, 160).forEach(width -> assertThat(table.render(status, width).lines())
        .allSatisfy(line -> assertThat(line.codePointCount(0, line.length())).as("width %d: %s", width, line)
            .isLessThanOrEqualTo(width)));
  }

  @Test
  void colourMarksStateAndPhaseButNeverCountsTowardsTheWidth() {
    StatusView status = status(List.of(converged(), failing(), stale()), List.of(progressing()));

    String plain = table.render(status, 100, false);
    String coloured = table.render(status, 100, true);

    assertThat(coloured).contains("\u001b[32mReady\u001b[0m", "\u001b[31mFailed\u001b[0m",
        "\u001b[90mStale\u001b[0m", "\u001b[34mProgressing\u001b[0m");
    assertThat(coloured.replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo(plain);
  }

  @Test
  void controlCharactersFromGitCannotReachTheTerminal() {
    SourceView base = failing();
    SourceView hostile = new SourceView("shop\u001b[2J", base.url(), base.ref(), base.paths(), base.state(),
        "line one\nline two\u001b]0;title\u0007", base.fetched(), base.applied(), base.lastSync(), false, "",
        base.lastFetchAt(), List.of(new ErrorView("apps/x.yaml", 3, 1, "", "bad\r\u009b31mvalue")), List.of(),
        List.of(), List.of());

    String out = table.render(status(List.of(hostile), List.of()), 120, false);

    assertThat(out).doesNotContain("\u001b", "\u0007", "\r", "\u009b");
    assertThat(out.lines()).contains("    not converged: line one line two ]0;title",
        "    apps/x.yaml:3: bad 31mvalue");
  }

  @Test
  void manyErrorsAreCountedAfterTheFirstTen() {
    SourceView base = failing();
    List<ErrorView> errors = new ArrayList<>();
    for (int i = 1; i <= StatusTable.MAX_ERRORS + 3; i++) {
      errors.add(new ErrorView("apps/f" + i + ".yaml", i, 1, "", "invalid"));
    }
    SourceView many = new SourceView(base.name(), base.url(), base.ref(), base.paths(), base.state(), "",
        base.applied(), base.applied(), base.lastSync(), false, "", base.lastFetchAt(), errors, List.of(),
        List.of(), List.of());

    String out = table.render(status(List.of(many), List.of()), 100);

    assertThat(out).contains("    apps/f10.yaml:10: invalid", "    … and 3 more errors").doesNotContain("f11.yaml");
  }
}
