package io.keelson.agent.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts by lines, as {@code diff -u} prints it (three lines of context), for the
 * reviewer of a pull request. The lines in common at both ends are set aside first, so the quadratic
 * longest-common-subsequence step only sees what changed; past {@link #MAX_CELLS} it shows the changed
 * middle as removed, then added.
 */
final class UnifiedDiff {

  static final int CONTEXT = 3;
  private static final long MAX_CELLS = 4_000_000;

  private UnifiedDiff() {}

  /** One line of the edit script: {@code ' '} kept, {@code '-'} only in the old text, {@code '+'} only in the new. */
  private record Line(char op, String text, int oldNumber, int newNumber) {}

  /** The diff, or an empty string when the texts are the same. */
  static String of(List<String> before, List<String> after, String beforeName, String afterName) {
    List<Line> script = script(before, after);
    if (script.stream().allMatch(l -> l.op() == ' ')) {
      return "";
    }
    StringBuilder out = new StringBuilder("--- ").append(beforeName).append('\n')
        .append("+++ ").append(afterName).append('\n');
    int i = 0;
    while (i < script.size()) {
      if (script.get(i).op() == ' ') {
        i++;
        continue;
      }
      int start = Math.max(0, i - CONTEXT);
      int end = i;
      // A hunk runs until more than two contexts' worth of kept lines separate it from the next change.
      while (end < script.size()) {
        int next = end;
        while (next < script.size() && script.get(next).op() == ' ') {
          next++;
        }
        if (next == script.size() || next - end > 2 * CONTEXT) {
          end = Math.min(script.size(), end + CONTEXT);
          break;
        }
        end = next + 1;
      }
      hunk(out, script.subList(start, end));
      i = end;
    }
    return out.toString();
  }

  private static void hunk(StringBuilder out, List<Line> lines) {
    int oldStart = 0;
    int newStart = 0;
    int oldCount = 0;
    int newCount = 0;
    for (Line line : lines) {
      if (line.op() != '+') {
        oldStart = oldCount++ == 0 ? line.oldNumber() : oldStart;
      }
      if (line.op() != '-') {
        newStart = newCount++ == 0 ? line.newNumber() : newStart;
      }
    }
    out.append("@@ -").append(range(oldStart, oldCount, lines.get(0).oldNumber()))
        .append(" +").append(range(newStart, newCount, lines.get(0).newNumber())).append(" @@\n");
    lines.forEach(line -> out.append(line.op()).append(line.text()).append('\n'));
  }

  /** {@code start,count}; an empty side is numbered by the line before it, as diff does. */
  private static String range(int start, int count, int firstNumber) {
    return count == 0 ? (firstNumber - 1) + ",0" : start + "," + count;
  }

  private static List<Line> script(List<String> a, List<String> b) {
    int prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix
        && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
      suffix++;
    }
    List<Line> script = new ArrayList<>();
    for (int k = 0; k < prefix; k++) {
      script.add(new Line(' ', a.get(k), k + 1, k + 1));
    }
    middle(a.subList(prefix, a.size() - suffix), b.subList(prefix, b.size() - suffix), prefix, script);
    for (int k = suffix; k > 0; k--) {
      script.add(new Line(' ', a.get(a.size() - k), a.size() - k + 1, b.size() - k + 1));
    }
    return script;
  }

  /** The edit script of the changed middle by longest common subsequence; {@code offset} lines precede it. */
  private static void middle(List<String> a, List<String> b, int offset, List<Line> script) {
    int n = a.size();
    int m = b.size();
    if ((long) n * m > MAX_CELLS) {
      for (int i = 0; i < n; i++) {
        script.add(new Line('-', a.get(i), offset + i + 1, offset + 1));
      }
      for (int j = 0; j < m; j++) {
        script.add(new Line('+', b.get(j), offset + n + 1, offset + j + 1));
      }
      return;
    }
    int[][] common = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        common[i][j] = a.get(i).equals(b.get(j)) ? common[i + 1][j + 1] + 1
            : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a.get(i).equals(b.get(j))) {
        script.add(new Line(' ', a.get(i), offset + i + 1, offset + j + 1));
        i++;
        j++;
      } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
        script.add(new Line('-', a.get(i), offset + i + 1, offset + j + 1));
        i++;
      } else {
        script.add(new Line('+', b.get(j), offset + i + 1, offset + j + 1));
        j++;
      }
    }
  }
}
