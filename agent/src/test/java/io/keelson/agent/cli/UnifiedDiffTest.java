package io.keelson.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Hunks and their headers as {@code diff -u} prints them (the expectations are GNU diff's output). */
class UnifiedDiffTest {

  private static List<String> numbers(int count) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> "line " + i).toList();
  }

  @Test
  void sameTextsHaveNoDiff() {
    assertThat(UnifiedDiff.of(numbers(5), numbers(5), "a", "b")).isEmpty();
  }

  @Test
  void changesFarApartMakeTwoHunksWithThreeLinesOfContext() {
    List<String> after = new ArrayList<>(numbers(20));
    after.set(2, "line three");
    after.remove(15);

    assertThat(UnifiedDiff.of(numbers(20), after, "a", "b")).isEqualTo("""
        --- a
        +++ b
        @@ -1,6 +1,6 @@
         line 1
         line 2
        -line 3
        +line three
         line 4
         line 5
         line 6
        @@ -13,7 +13,6 @@
         line 13
         line 14
         line 15
        -line 16
         line 17
         line 18
         line 19
        """);
  }

  @Test
  void changesCloseTogetherShareAHunk() {
    List<String> after = new ArrayList<>(numbers(12));
    after.set(2, "x");
    after.set(8, "y");

    assertThat(UnifiedDiff.of(numbers(12), after, "a", "b")).startsWith("--- a\n+++ b\n@@ -1,12 +1,12 @@\n")
        .doesNotContain("@@ -9");
  }

  @Test
  void anEmptySideIsNumberedZero() {
    assertThat(UnifiedDiff.of(List.of(), numbers(2), "/dev/null", "b"))
        .isEqualTo("--- /dev/null\n+++ b\n@@ -0,0 +1,2 @@\n+line 1\n+line 2\n");
    assertThat(UnifiedDiff.of(numbers(2), List.of(), "a", "/dev/null"))
        .isEqualTo("--- a\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-line 1\n-line 2\n");
  }
}
