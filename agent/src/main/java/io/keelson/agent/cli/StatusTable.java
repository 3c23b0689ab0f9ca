package io.keelson.agent.cli;

import io.keelson.agent.api.StatusView;
import io.keelson.agent.api.StatusView.ErrorView;
import io.keelson.agent.api.StatusView.ReleaseView;
import io.keelson.agent.api.StatusView.RevisionView;
import io.keelson.agent.api.StatusView.SourceView;
import io.keelson.agent.api.StatusView.SyncView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Formats a {@link StatusView} as a terminal table: one row per source, then an indented line for why it is not
 * converged and one per error ({@code file:line: message}), then one row per release policy.
 *
 * <p>A pure function of its input: ages are measured against the status's own {@code generatedAt}, so the output
 * does not depend on the clock of the machine that prints it. Every line fits {@code width} (cells and lines are
 * cut with '…'), and text from Git or the API server is stripped of control characters so a commit message cannot
 * move the cursor or recolour the terminal.
 */
public final class StatusTable {

  /** Error lines shown per source; the rest are counted, the status page lists them all. */
  static final int MAX_ERRORS = 10;

  private static final int SHORT_SHA = 7;
  private static final String GAP = "  ";
  private static final String INDENT = "    ";
  private static final String ELLIPSIS = "…";
  private static final String NONE = "-";

  private static final String RESET = "\u001b[0m";
  private static final String RED = "\u001b[31m";
  private static final String GREEN = "\u001b[32m";
  private static final String YELLOW = "\u001b[33m";
  private static final String BLUE = "\u001b[34m";
  private static final String GREY = "\u001b[90m";
  private static final String BOLD = "\u001b[1m";

  /** Renders without colours. */
  public String render(StatusView status, int width) {
    return render(status, width, false);
  }

  /**
   * @param width the terminal's width in columns; no line is longer (at least 20 columns are used)
   * @param color whether to colour states, phases and headings with ANSI escapes
   */
  public String render(StatusView status, int width, boolean color) {
    int columns = Math.max(width, 20);
    Style style = new Style(color);
    Instant now = status.generatedAt();
    List<String> lines = new ArrayList<>();

    lines.add(headline(status, now));

    List<SourceView> sources = listOf(status.sources());
    lines.add("");
    if (sources.isEmpty()) {
      lines.add("No sources configured.");
    } else {
      Table table = new Table(columns, style, "NAME", "STATE", "APPLIED", "AGE", "LAST SYNC");
      for (SourceView source : sources) {
        RevisionView applied = source.applied();
        table.row(stateColor(source.state()),
            text(source.name()),
            text(source.state()),
            applied == null ? NONE : shortSha(applied.sha()),
            applied == null ? NONE : age(applied.time(), now),
            lastSync(source.lastSync(), now));
        table.details(sourceDetails(source, now));
      }
      table.printTo(lines);
    }

    List<ReleaseView> releases = listOf(status.releases());
    lines.add("");
    if (releases.isEmpty()) {
      lines.add("No release policies.");
    } else {
      Table table = new Table(columns, style, "POLICY", "PHASE", "WEIGHT", "STEP");
      for (ReleaseView release : releases) {
        table.row(phaseColor(release.phase()),
            policyName(release),
            text(release.phase()),
            release.canaryWeight() == null ? NONE : release.canaryWeight() + "%",
            release.step() == null ? NONE : String.valueOf(release.step()));
        List<String> details = new ArrayList<>();
        if (!text(release.message()).isEmpty()) {
          details.add(text(release.message()));
        }
        if (!text(release.failure()).isEmpty()) {
          details.add("last tick did not finish: " + text(release.failure()));
        }
        table.details(details);
      }
      table.printTo(lines);
    }

    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append(style.fit(line, columns)).append('\n');
    }
    return out.toString();
  }

  private static String headline(StatusView status, Instant now) {
    StringBuilder line = new StringBuilder();
    line.append(orDefault(text(status.agent()), "keelson-agent"));
    String version = text(status.version());
    if (!version.isEmpty()) {
      line.append(' ').append(version);
    }
    if (status.leader()) {
      line.append(" · leader");
    } else {
      String leader = text(status.leaderIdentity());
      line.append(" · follower (leader: ").append(leader.isEmpty() ? "none" : leader).append(')');
    }
    if (now != null) {
      line.append(" · at ").append(now);
    }
    return line.toString();
  }

  private static List<String> sourceDetails(SourceView source, Instant now) {
    List<String> details = new ArrayList<>();
    String notConverged = text(source.notConverged());
    if (!notConverged.isEmpty()) {
      details.add("not converged: " + notConverged);
    }
    if (source.stale()) {
      String reason = text(source.staleReason());
      String since = source.lastFetchAt() == null ? "" : "; last fetch " + age(source.lastFetchAt(), now) + " ago";
      details.add("stale: " + (reason.isEmpty() ? "Git is not reachable" : reason) + since);
    }
    RevisionView fetched = source.fetched();
    RevisionView applied = source.applied();
    if (fetched != null && !text(fetched.sha()).isEmpty()
        && (applied == null || !text(fetched.sha()).equals(text(applied.sha())))) {
      String message = firstLine(fetched.message());
      details.add("fetched " + shortSha(fetched.sha()) + " not applied" + (message.isEmpty() ? "" : ": " + message));
    }
    List<ErrorView> errors = listOf(source.errors());
    for (ErrorView error : errors.subList(0, Math.min(errors.size(), MAX_ERRORS))) {
      details.add(where(error) + ": " + text(error.message()));
    }
    if (errors.size() > MAX_ERRORS) {
      details.add("… and " + (errors.size() - MAX_ERRORS) + " more errors");
    }
    return details;
  }

  /** {@code file:line}, else the file, else the object the server refused. */
  static String where(ErrorView error) {
    String file = text(error.file());
    if (!file.isEmpty()) {
      return error.line() > 0 ? file + ":" + error.line() : file;
    }
    String object = text(error.object());
    return object.isEmpty() ? "error" : object;
  }

  private static String lastSync(SyncView sync, Instant now) {
    if (sync == null) {
      return "never";
    }
    StringBuilder cell = new StringBuilder(orDefault(text(sync.outcome()), "?"));
    if (sync.finishedAt() != null) {
      cell.append(' ').append(age(sync.finishedAt(), now)).append(" ago");
    }
    cell.append(" (").append(duration(sync.durationMillis())).append(')');
    return cell.toString();
  }

  private static String policyName(ReleaseView release) {
    String namespace = text(release.namespace());
    return namespace.isEmpty() ? text(release.name()) : namespace + "/" + text(release.name());
  }

  private static String stateColor(String state) {
    return switch (text(state)) {
      case "Ready" -> GREEN;
      case "NotConverged" -> YELLOW;
      case "Failed" -> RED;
      case "Stale" -> GREY;
      case "Pending" -> BLUE;
      default -> "";
    };
  }

  private static String phaseColor(String phase) {
    return switch (text(phase)) {
      case "Succeeded" -> GREEN;
      case "Failed", "RollingBack" -> RED;
      case "Deploying", "Testing", "Mirroring", "Progressing", "Promoting" -> BLUE;
      case "Idle" -> GREY;
      default -> "";
    };
  }

  /** The age of {@code then} at {@code now}: {@code 45s}, {@code 12m}, {@code 3h}, {@code 5d}. */
  static String age(Instant then, Instant now) {
    if (then == null || now == null) {
      return NONE;
    }
    long seconds = Math.max(0, Duration.between(then, now).getSeconds());
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m";
    }
    if (seconds < 86_400) {
      return seconds / 3600 + "h";
    }
    return seconds / 86_400 + "d";
  }

  static String duration(long millis) {
    if (millis < 1000) {
      return Math.max(0, millis) + "ms";
    }
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
    return millis / 60_000 + "m" + (millis % 60_000) / 1000 + "s";
  }

  private static String shortSha(String sha) {
    String clean = text(sha);
    if (clean.isEmpty()) {
      return NONE;
    }
    return clean.length() > SHORT_SHA ? clean.substring(0, SHORT_SHA) : clean;
  }

  private static String firstLine(String message) {
    String raw = message == null ? "" : message;
    int newline = raw.indexOf('\n');
    return text(newline < 0 ? raw : raw.substring(0, newline));
  }

  /**
   * Text from the wire made safe for one terminal line: control characters (escapes, newlines, tabs, C1 codes)
   * become spaces, runs of whitespace collapse, null becomes empty.
   */
  static String text(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder clean = new StringBuilder(value.length());
    boolean space = false;
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      i += Character.charCount(cp);
      boolean blank = Character.isWhitespace(cp) || Character.isISOControl(cp) || cp == '\u2028' || cp == '\u2029';
      if (blank) {
        space = clean.length() > 0;
      } else {
        if (space) {
          clean.append(' ');
          space = false;
        }
        clean.appendCodePoint(cp);
      }
    }
    return clean.toString();
  }

  private static <T> List<T> listOf(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static String orDefault(String value, String fallback) {
    return value.isEmpty() ? fallback : value;
  }

  private static int visibleLength(String s) {
    return s.codePointCount(0, s.length());
  }

  /** Cuts {@code s} to at most {@code width} code points, the last one '…' when anything was cut. */
  static String truncate(String s, int width) {
    if (visibleLength(s) <= width) {
      return s;
    }
    if (width <= 0) {
      return "";
    }
    return s.substring(0, s.offsetByCodePoints(0, width - 1)) + ELLIPSIS;
  }

  /** ANSI colouring, or none; escapes never count towards a line's width. */
  private record Style(boolean color) {

    String paint(String code, String s) {
      return color && !code.isEmpty() && !s.isEmpty() ? code + s + RESET : s;
    }

    /** Cuts a line that may hold escapes to {@code width} visible code points. */
    String fit(String line, int width) {
      StringBuilder out = new StringBuilder();
      int visible = 0;
      int total = visibleLength(line.replaceAll("\u001b\\[[0-9;]*m", ""));
      boolean cut = total > width;
      int keep = cut ? width - 1 : width;
      for (int i = 0; i < line.length(); ) {
        if (line.charAt(i) == '\u001b') {
          int end = line.indexOf('m', i);
          out.append(line, i, end + 1);
          i = end + 1;
          continue;
        }
        int cp = line.codePointAt(i);
        i += Character.charCount(cp);
        if (visible < keep) {
          out.appendCodePoint(cp);
          visible++;
        }
      }
      if (cut) {
        out.append(ELLIPSIS);
        if (color) {
          out.append(RESET);
        }
      }
      return out.toString();
    }
  }

  /**
   * A table whose columns share the width: the widest give way first, down to a few characters each. The second
   * column (state or phase) never shrinks: it is what the reader looks for.
   */
  private static final class Table {
    private static final int MIN_COLUMN = 4;

    private final int width;
    private final Style style;
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> colors = new ArrayList<>();
    private final List<List<String>> details = new ArrayList<>();

    Table(int width, Style style, String... headers) {
      this.width = width;
      this.style = style;
      this.headers = headers;
    }

    void row(String color, String... cells) {
      rows.add(cells);
      colors.add(color);
      details.add(List.of());
    }

    void details(List<String> lines) {
      details.set(details.size() - 1, lines);
    }

    void printTo(List<String> out) {
      int[] widths = columnWidths();
      out.add(style.paint(BOLD, line(headers, widths, "")));
      for (int r = 0; r < rows.size(); r++) {
        out.add(line(rows.get(r), widths, colors.get(r)));
        for (String detail : details.get(r)) {
          out.add(truncate(INDENT + detail, width));
        }
      }
    }

    /** The second cell of every row (state or phase) is coloured; padding is added outside the colour. */
    private String line(String[] cells, int[] widths, String color) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < cells.length; c++) {
        String cell = truncate(cells[c], widths[c]);
        boolean last = c == cells.length - 1;
        String painted = c == 1 ? style.paint(color, cell) : cell;
        line.append(painted);
        if (!last) {
          line.append(" ".repeat(widths[c] - visibleLength(cell))).append(GAP);
        }
      }
      return line.toString();
    }

    private int[] columnWidths() {
      int[] widths = new int[headers.length];
      for (int c = 0; c < headers.length; c++) {
        widths[c] = visibleLength(headers[c]);
        for (String[] row : rows) {
          widths[c] = Math.max(widths[c], visibleLength(row[c]));
        }
      }
      int available = width - GAP.length() * (headers.length - 1);
      while (sum(widths) > available) {
        int widest = 0;
        for (int c = 2; c < widths.length; c++) {
          if (widths[c] > widths[widest]) {
            widest = c;
          }
        }
        if (widths[widest] <= MIN_COLUMN) {
          break;
        }
        widths[widest]--;
      }
      return widths;
    }

    private static int sum(int[] values) {
      int total = 0;
      for (int value : values) {
        total += value;
      }
      return total;
    }
  }
}
