package io.keelson.agent.render;

import io.keelson.agent.model.Origin;
import io.keelson.agent.model.RenderError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the manifest files under the configured paths of a checkout and enforces the size limits
 * before anything is parsed, so an oversized revision costs a directory walk and nothing more.
 */
final class ManifestFiles {

  /** A manifest file: its name relative to the root (forward slashes), where to read it, and its size. */
  record ManifestFile(String name, Path path, long size) {}

  /** The files to parse, in name order, and every problem found while finding them. */
  record Listing(List<ManifestFile> files, List<RenderError> errors) {}

  private final long maxFileBytes;
  private final long maxTotalBytes;

  ManifestFiles(long maxFileBytes, long maxTotalBytes) {
    this.maxFileBytes = maxFileBytes;
    this.maxTotalBytes = maxTotalBytes;
  }

  static boolean isManifestName(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    return lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json");
  }

  Listing list(Path root, List<String> configuredPaths) {
    Path lexicalRoot = root.toAbsolutePath().normalize();
    Path realRoot;
    try {
      realRoot = lexicalRoot.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("checkout root cannot be read", e);
    }
    List<RenderError> errors = new ArrayList<>();
    List<Found> found = new ArrayList<>();
    for (String configured : configuredPaths) {
      collect(lexicalRoot, realRoot, configured, found, errors);
    }
    found.sort(Comparator.comparing(Found::name));
    // Overlapping paths or symlinks inside the root can reach one file twice; it is one file.
    Set<Path> seen = new HashSet<>();
    List<ManifestFile> files = new ArrayList<>();
    for (Found file : found) {
      if (seen.add(file.realPath())) {
        files.add(new ManifestFile(file.name(), file.path(), file.size()));
      }
    }
    return limitSizes(files, errors);
  }

  private Listing limitSizes(List<ManifestFile> files, List<RenderError> errors) {
    List<ManifestFile> accepted = new ArrayList<>();
    long total = 0;
    for (ManifestFile file : files) {
      if (file.size() > maxFileBytes) {
        errors.add(new RenderError(Origin.ofFile(file.name()),
            "file is " + file.size() + " bytes, over the limit of " + maxFileBytes + " bytes per file"));
        continue;
      }
      total += file.size();
      if (total > maxTotalBytes) {
        // Nothing is parsed when the revision as a whole is too large.
        errors.add(new RenderError(Origin.ofFile(file.name()), "manifests exceed the total limit of "
            + maxTotalBytes + " bytes at this file (" + total + " bytes so far)"));
        return new Listing(List.of(), errors);
      }
      accepted.add(file);
    }
    return new Listing(accepted, errors);
  }

  private record Found(String name, Path path, Path realPath, long size) {}

  private static void collect(Path root, Path realRoot, String configured, List<Found> found,
      List<RenderError> errors) {
    String shown = configured.isEmpty() ? "." : configured;
    Path start;
    try {
      Path relative = Path.of(configured.isEmpty() ? "." : configured);
      start = root.resolve(relative).normalize();
      if (relative.isAbsolute() || !start.startsWith(root)) {
        errors.add(new RenderError(Origin.ofFile(shown), "configured path is outside the repository"));
        return;
      }
    } catch (IllegalArgumentException e) {
      errors.add(new RenderError(Origin.ofFile(shown), "configured path is not a valid path"));
      return;
    }
    if (!Files.exists(start)) {
      errors.add(new RenderError(Origin.ofFile(shown), Files.isSymbolicLink(start)
          ? "configured path is a broken symlink" : "configured path does not exist"));
      return;
    }
    if (Files.isRegularFile(start) && !isManifestName(start.getFileName().toString())) {
      errors.add(new RenderError(Origin.ofFile(shown),
          "configured path is not a .yaml, .yml or .json file"));
      return;
    }
    try {
      Files.walkFileTree(start, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
          new Walker(root, realRoot, start, found, errors));
    } catch (IOException e) {
      errors.add(new RenderError(Origin.ofFile(shown), "configured path cannot be read"));
    }
  }

  /** Walks one configured path, following symlinks that stay inside the root. */
  private static final class Walker extends SimpleFileVisitor<Path> {
    private final Path root;
    private final Path realRoot;
    private final Path start;
    private final List<Found> found;
    private final List<RenderError> errors;

    Walker(Path root, Path realRoot, Path start, List<Found> found, List<RenderError> errors) {
      this.root = root;
      this.realRoot = realRoot;
      this.start = start;
      this.found = found;
      this.errors = errors;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
      if (!dir.equals(start) && hidden(dir)) {
        return FileVisitResult.SKIP_SUBTREE;
      }
      return insideRoot(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
      if (!file.equals(start) && (hidden(file) || !isManifestName(file.getFileName().toString()))) {
        return FileVisitResult.CONTINUE;
      }
      if (attrs.isSymbolicLink()) {
        // Attributes of the link itself mean its target could not be read: a broken link.
        errors.add(new RenderError(Origin.ofFile(name(file)), "symlink target does not exist"));
        return FileVisitResult.CONTINUE;
      }
      if (!attrs.isRegularFile() || !insideRoot(file)) {
        return FileVisitResult.CONTINUE;
      }
      try {
        found.add(new Found(name(file), file, file.toRealPath(), attrs.size()));
      } catch (IOException e) {
        errors.add(new RenderError(Origin.ofFile(name(file)), "file cannot be read"));
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException exc) {
      if (exc instanceof FileSystemLoopException) {
        // A symlink back to an ancestor: everything under it is walked already.
        return FileVisitResult.CONTINUE;
      }
      if (!hidden(file)) {
        errors.add(new RenderError(Origin.ofFile(name(file)), exc instanceof NoSuchFileException
            ? "file disappeared while reading the checkout" : "file cannot be read"));
      }
      return FileVisitResult.CONTINUE;
    }

    private boolean insideRoot(Path path) {
      try {
        if (path.toRealPath().startsWith(realRoot)) {
          return true;
        }
        errors.add(new RenderError(Origin.ofFile(name(path)),
            "symlink points outside the repository; only links within it are followed"));
      } catch (IOException e) {
        errors.add(new RenderError(Origin.ofFile(name(path)), "file cannot be read"));
      }
      return false;
    }

    private static boolean hidden(Path path) {
      Path fileName = path.getFileName();
      return fileName != null && fileName.toString().startsWith(".");
    }

    private String name(Path path) {
      Path relative = root.relativize(path);
      StringBuilder name = new StringBuilder();
      for (Path element : relative) {
        if (name.length() > 0) {
          name.append('/');
        }
        name.append(element);
      }
      return name.length() == 0 ? "." : name.toString();
    }
  }
}
