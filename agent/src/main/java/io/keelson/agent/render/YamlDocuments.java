package io.keelson.agent.render;

import io.keelson.agent.model.Origin;
import io.keelson.agent.model.RenderError;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Parses multi-document YAML safely. SnakeYAML only composes the node graph (no object construction,
 * so no tag can instantiate a class); values are built here from the nodes, which keeps their line
 * numbers, rejects every tag that is not a standard scalar or collection tag, rejects duplicate keys,
 * and bounds what aliases may expand to.
 */
final class YamlDocuments {

  private static final Set<Tag> SCALAR_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL,
      Tag.TIMESTAMP);
  // Without aliases a node needs at least one character of source; this slack lets ordinary aliasing
  // through while a small file cannot expand into millions of nodes.
  private static final int NODE_BUDGET_SLACK = 10_000;

  private final int maxAliases;
  private final int maxDocuments;
  private final int maxCodePoints;

  YamlDocuments(int maxAliases, int maxDocuments, long maxFileBytes) {
    this.maxAliases = maxAliases;
    this.maxDocuments = maxDocuments;
    this.maxCodePoints = (int) Math.min(Integer.MAX_VALUE, maxFileBytes + 1);
  }

  ParsedFile parse(String file, String text) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(maxAliases);
    options.setAllowRecursiveKeys(false);
    options.setAllowDuplicateKeys(false);
    options.setCodePointLimit(maxCodePoints);
    options.setProcessComments(false);
    // Global tags pass the composer on purpose: ValueBuilder rejects every non-standard tag with one
    // clear message, and nothing here ever constructs a class from a tag.
    options.setTagInspector(tag -> true);
    StreamReader reader = new StreamReader(text);
    Composer composer = new Composer(new ParserImpl(reader, options), new Resolver(), options);

    List<SourceDocument> documents = new ArrayList<>();
    List<RenderError> errors = new ArrayList<>();
    ValueBuilder builder = new ValueBuilder(2L * text.length() + NODE_BUDGET_SLACK);
    int index = 0;
    try {
      while (composer.checkNode()) {
        index++;
        if (index > maxDocuments) {
          errors.add(new RenderError(new Origin(file, index, reader.getLine() + 1),
              "file has more documents than the limit of " + maxDocuments));
          break;
        }
        Node root = composer.getNode();
        try {
          Map<Object, Integer> lines = new IdentityHashMap<>();
          Object content = builder.build(root, lines);
          if (content != null) {
            documents.add(new SourceDocument(index, line(root), content, lines));
          }
        } catch (ParseFailure failure) {
          errors.add(new RenderError(new Origin(file, index, failure.line()), failure.reason()));
        }
      }
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      int line = mark != null ? mark.getLine() + 1 : reader.getLine() + 1;
      errors.add(new RenderError(new Origin(file, Math.max(index, 1), line), syntaxReason(e)));
    } catch (YAMLException e) {
      errors.add(new RenderError(new Origin(file, Math.max(index, 1), reader.getLine() + 1), limitReason(e)));
    }
    return new ParsedFile(documents, errors);
  }

  /** The problem and its context, without the source snippet SnakeYAML appends: it may show a secret. */
  private static String syntaxReason(MarkedYAMLException e) {
    StringBuilder reason = new StringBuilder("invalid YAML: ");
    if (e.getContext() != null) {
      reason.append(e.getContext()).append(": ");
    }
    reason.append(e.getProblem() == null ? "syntax error" : e.getProblem());
    return reason.toString();
  }

  private String limitReason(YAMLException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.startsWith("Number of aliases")) {
      return "too many aliases: more than " + maxAliases
          + " aliases to lists or mappings in one file (a YAML alias bomb?)";
    }
    if (message.startsWith("The incoming YAML document exceeds the limit")) {
      return "file is larger than the per-file limit";
    }
    if (message.startsWith("Nesting Depth exceeded")) {
      return "YAML is nested too deeply";
    }
    return "invalid YAML: " + message.lines().findFirst().orElse("unreadable");
  }

  private static int line(Node node) {
    return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
  }

  /** Builds plain values from nodes; shared by the documents of one file so the budget is per file. */
  private static final class ValueBuilder {
    private final long nodeBudget;
    private final Set<Node> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());
    private long built;

    ValueBuilder(long nodeBudget) {
      this.nodeBudget = nodeBudget;
    }

    Object build(Node node, Map<Object, Integer> lines) {
      if (++built > nodeBudget) {
        throw new ParseFailure(line(node), "aliases expand to more than " + nodeBudget
            + " values in this file (a YAML alias bomb?)");
      }
      // An alias to an enclosing node makes the value infinite (this also covers recursive keys).
      if (!inProgress.add(node)) {
        throw new ParseFailure(line(node), "recursive alias: a value contains itself");
      }
      try {
        if (node instanceof ScalarNode scalar) {
          return scalar(scalar);
        }
        if (node instanceof SequenceNode sequence) {
          requireTag(sequence, Tag.SEQ);
          List<Object> list = new ArrayList<>(sequence.getValue().size());
          for (Node item : sequence.getValue()) {
            list.add(build(item, lines));
          }
          return list;
        }
        MappingNode mapping = (MappingNode) node;
        requireTag(mapping, Tag.MAP);
        Map<String, Object> map = mapping(mapping, lines);
        lines.put(map, line(mapping));
        return map;
      } finally {
        inProgress.remove(node);
      }
    }

    private Map<String, Object> mapping(MappingNode mapping, Map<Object, Integer> lines) {
      // Sized to its keys: the maps of thousands of cached objects are mostly small.
      Map<String, Object> map = new LinkedHashMap<>(mapping.getValue().size() * 4 / 3 + 1);
      List<Map<?, ?>> merged = new ArrayList<>();
      for (NodeTuple tuple : mapping.getValue()) {
        Node keyNode = tuple.getKeyNode();
        if (!(keyNode instanceof ScalarNode keyScalar)) {
          throw new ParseFailure(line(keyNode), "mapping keys must be plain scalars");
        }
        if (keyScalar.getTag().equals(Tag.MERGE)) {
          merged.addAll(mergeSources(tuple.getValueNode(), lines));
          continue;
        }
        requireScalarTag(keyScalar);
        // Keys stay as written: manifests are JSON objects, whose keys are strings. They come from a small
        // vocabulary (metadata, name, spec, ...): one copy of each is held, not one per object rendered.
        String key = keyScalar.getValue().intern();
        if (map.containsKey(key)) {
          throw new ParseFailure(line(keyNode), "duplicate key '" + key + "'");
        }
        map.put(key, build(tuple.getValueNode(), lines));
      }
      // YAML merge keys: explicit keys win, then earlier merge sources over later ones.
      for (Map<?, ?> source : merged) {
        for (Map.Entry<?, ?> entry : source.entrySet()) {
          map.putIfAbsent((String) entry.getKey(), entry.getValue());
        }
      }
      return map;
    }

    private List<Map<?, ?>> mergeSources(Node valueNode, Map<Object, Integer> lines) {
      Object value = build(valueNode, lines);
      if (value instanceof Map<?, ?> single) {
        return List.of(single);
      }
      List<Map<?, ?>> sources = new ArrayList<>();
      if (value instanceof List<?> list) {
        for (Object item : list) {
          if (!(item instanceof Map<?, ?> source)) {
            throw new ParseFailure(line(valueNode), "merge key '<<' takes a mapping or a list of mappings");
          }
          sources.add(source);
        }
        return sources;
      }
      throw new ParseFailure(line(valueNode), "merge key '<<' takes a mapping or a list of mappings");
    }

    private static Object scalar(ScalarNode node) {
      requireScalarTag(node);
      Tag tag = node.getTag();
      String value = node.getValue();
      if (tag.equals(Tag.NULL)) {
        return null;
      }
      if (tag.equals(Tag.BOOL)) {
        return bool(node, value);
      }
      if (tag.equals(Tag.INT)) {
        return integer(node, value);
      }
      if (tag.equals(Tag.FLOAT)) {
        return floating(node, value);
      }
      // Strings, and timestamps: Kubernetes reads a timestamp as its text.
      return value;
    }

    private static Boolean bool(ScalarNode node, String value) {
      switch (value.toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on":
          return Boolean.TRUE;
        case "false", "no", "off":
          return Boolean.FALSE;
        default:
          throw new ParseFailure(line(node), "value tagged !!bool is not a boolean");
      }
    }

    /** YAML 1.1 integers: decimal, 0b binary, 0x hex, leading-0 octal, base-60, with '_' separators. */
    private static Number integer(ScalarNode node, String text) {
      try {
        String digits = text.replace("_", "");
        boolean negative = digits.startsWith("-");
        if (negative || digits.startsWith("+")) {
          digits = digits.substring(1);
        }
        BigInteger value;
        if (digits.startsWith("0b")) {
          value = new BigInteger(digits.substring(2), 2);
        } else if (digits.startsWith("0x")) {
          value = new BigInteger(digits.substring(2), 16);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
          value = new BigInteger(digits.substring(1), 8);
        } else if (digits.contains(":")) {
          value = BigInteger.ZERO;
          for (String part : digits.split(":")) {
            value = value.multiply(BigInteger.valueOf(60)).add(new BigInteger(part));
          }
        } else {
          value = new BigInteger(digits);
        }
        return narrow(negative ? value.negate() : value);
      } catch (NumberFormatException e) {
        throw new ParseFailure(line(node), "value tagged !!int is not an integer");
      }
    }

    /** The same number types Jackson gives for JSON, so YAML and JSON manifests build equal values. */
    private static Number narrow(BigInteger value) {
      if (value.bitLength() < 32) {
        return value.intValue();
      }
      return value.bitLength() < 64 ? (Number) value.longValue() : value;
    }

    private static Double floating(ScalarNode node, String text) {
      String number = text.replace("_", "").toLowerCase(Locale.ROOT);
      if (number.endsWith(".inf")) {
        return number.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      }
      if (number.equals(".nan")) {
        return Double.NaN;
      }
      try {
        return Double.valueOf(number);
      } catch (NumberFormatException e) {
        throw new ParseFailure(line(node), "value tagged !!float is not a number");
      }
    }

    private static void requireScalarTag(ScalarNode node) {
      if (!SCALAR_TAGS.contains(node.getTag())) {
        throw new ParseFailure(line(node), "tag " + shortTag(node.getTag())
            + " is not allowed: manifests may use only the standard tags !!str, !!int, !!float, !!bool"
            + " and !!null");
      }
    }

    private static void requireTag(Node node, Tag expected) {
      if (!node.getTag().equals(expected)) {
        throw new ParseFailure(line(node), "tag " + shortTag(node.getTag()) + " is not allowed on a "
            + (expected.equals(Tag.SEQ) ? "list" : "mapping"));
      }
    }

    private static String shortTag(Tag tag) {
      String value = tag.getValue();
      return value.startsWith(Tag.PREFIX) ? "!!" + value.substring(Tag.PREFIX.length()) : value;
    }
  }
}
