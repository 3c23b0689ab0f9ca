package io.keelson.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a benchmark run measures: object counts, how many commits and drift edits to time, which sections
 * to run, where the JSON goes, and whether Flux runs beside Keelson as the peer.
 */
public record BenchOptions(List<Integer> sizes, int commits, int edits, Path out, Set<Section> only,
    boolean fluxPeer) {

  static final String USAGE = """
      usage: bench [--sizes 1000,5000] [--commits 20] [--edits 20] [--out file.json] [--only section,...]
                   [--peer flux]
        sections: %s""".formatted(Section.names());

  public BenchOptions {
    sizes = List.copyOf(sizes);
    only = Set.copyOf(only);
    if (sizes.isEmpty() || sizes.stream().anyMatch(n -> n < 1)) {
      throw new IllegalArgumentException("--sizes needs positive object counts, not " + sizes);
    }
    if (commits < 1 || edits < 1) {
      throw new IllegalArgumentException("--commits and --edits must be at least 1");
    }
  }

  /** Without a peer. */
  public BenchOptions(List<Integer> sizes, int commits, int edits, Path out, Set<Section> only) {
    this(sizes, commits, edits, out, only, false);
  }

  public static BenchOptions defaults(Path out) {
    return new BenchOptions(List.of(1000, 5000), 20, 20, out, Set.of(Section.values()));
  }

  /** Parses the command line over the defaults. */
  public static BenchOptions parse(String[] args, Path defaultOut) {
    BenchOptions options = defaults(defaultOut);
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
      }
      String value = args[++i];
      options = switch (flag) {
        case "--sizes" -> options.withSizes(Arrays.stream(value.split(",")).map(String::strip)
            .map(Integer::parseInt).toList());
        case "--commits" -> new BenchOptions(options.sizes, Integer.parseInt(value), options.edits, options.out,
            options.only, options.fluxPeer);
        case "--edits" -> new BenchOptions(options.sizes, options.commits, Integer.parseInt(value), options.out,
            options.only, options.fluxPeer);
        case "--out" -> new BenchOptions(options.sizes, options.commits, options.edits, Path.of(value), options.only,
            options.fluxPeer);
        case "--only" -> options.withOnly(sections(value));
        case "--peer" -> {
          if (!value.equals("flux")) {
            throw new IllegalArgumentException("--peer knows only flux, not " + value + "\n" + USAGE);
          }
          yield new BenchOptions(options.sizes, options.commits, options.edits, options.out, options.only, true);
        }
        default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
      };
    }
    return options;
  }

  public BenchOptions withSizes(List<Integer> newSizes) {
    return new BenchOptions(newSizes, commits, edits, out, only, fluxPeer);
  }

  public BenchOptions withOnly(Set<Section> sections) {
    return new BenchOptions(sizes, commits, edits, out, sections, fluxPeer);
  }

  /** The largest size: the one commit latency and drift are measured at. */
  public int largest() {
    return sizes.stream().max(Integer::compare).orElseThrow();
  }

  public boolean runs(Section section) {
    return only.contains(section);
  }

  private static Set<Section> sections(String value) {
    Set<Section> sections = new LinkedHashSet<>();
    List<String> unknown = new ArrayList<>();
    for (String name : value.split(",")) {
      Section section = Section.byName(name.strip());
      if (section == null) {
        unknown.add(name.strip());
      } else {
        sections.add(section);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown section(s) " + unknown + "; known: " + Section.names());
    }
    return sections;
  }
}
