package io.keelson.agent.git;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectChecker;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.util.RawParseUtils;

/**
 * Writes a commit's tree into an empty directory, and nothing outside it, whatever the tree holds. A tree built
 * by hand can carry entries Git itself never writes: {@code ..} or {@code .git} (in any case), a name twice (a
 * symbolic link and a directory of the same name, so that later paths go through the link), or a path with a
 * separator. Each is refused with an {@link UnsafeEntry} naming the entry, before anything is written through
 * it: no write follows a symbolic link, and no file replaces another.
 */
final class TreeCheckout {

  private TreeCheckout() {}

  /** An entry that could write outside the checkout, or into Git's own files; the message names it. */
  static final class UnsafeEntry extends IOException {

    UnsafeEntry(String path, String why) {
      super("tree entry '" + path + "' " + why);
    }
  }

  /**
   * Git's own object check ({@code fsck}, as {@code transfer.fsckObjects} runs it on receipt) of every tree under
   * {@code tree}, with the checks for case-insensitive file systems: {@code ..}, {@code .git} in any case or
   * Unicode disguise, names holding {@code /}, and names twice (also when they differ only in case). Run after
   * the fetch rather than during it, since JGit's check on fetch also demands the whole history, which a shallow
   * fetch does not have.
   */
  static void verify(Repository repo, RevTree tree) throws IOException {
    ObjectChecker checker = new ObjectChecker().setSafeForMacOS(true);
    try (ObjectReader reader = repo.newObjectReader()) {
      verify(reader, checker, tree, "");
    }
  }

  private static void verify(ObjectReader reader, ObjectChecker checker, AnyObjectId tree, String path)
      throws IOException {
    byte[] raw = reader.open(tree, Constants.OBJ_TREE).getCachedBytes();
    try {
      checker.checkTree(tree, raw);
    } catch (CorruptObjectException e) {
      throw new UnsafeEntry(path.isEmpty() ? "/" : path, "is a tree Git refuses (" + tree.name() + "): "
          + e.getMessage());
    }
    CanonicalTreeParser entries = new CanonicalTreeParser();
    entries.reset(raw);
    for (; !entries.eof(); entries.next()) {
      if (FileMode.TREE.equals(entries.getEntryRawMode())) {
        String name = entries.getEntryPathString();
        verify(reader, checker, entries.getEntryObjectId(), path.isEmpty() ? name : path + "/" + name);
      }
    }
  }

  /** Writes {@code tree} into {@code dir}, recording the object id of every file and directory in {@code ids}. */
  static void write(Repository repo, RevTree tree, Path dir, Map<String, String> ids) throws IOException {
    Path root = dir.toRealPath();
    Set<String> links = new HashSet<>();
    try (TreeWalk walk = new TreeWalk(repo); ObjectReader reader = repo.newObjectReader()) {
      walk.addTree(tree);
      walk.setRecursive(true);
      // Directories come after their contents, with their tree ids (for the render cache).
      walk.setPostOrderTraversal(true);
      while (walk.next()) {
        String path = walk.getPathString();
        ids.put(path, walk.getObjectId(0).name());
        if (walk.isPostChildren()) {
          continue;
        }
        FileMode mode = walk.getFileMode(0);
        checkSegments(path);
        checkNotThroughLink(path, links);
        if (mode == FileMode.GITLINK) {
          continue;
        }
        Path target = root.resolve(path);
        Files.createDirectories(target.getParent());
        if (!target.getParent().toRealPath().startsWith(root)) {
          throw new UnsafeEntry(path, "leads out of the checkout");
        }
        try {
          if (mode == FileMode.SYMLINK) {
            byte[] link = reader.open(walk.getObjectId(0)).getBytes();
            Files.createSymbolicLink(target, Path.of(RawParseUtils.decode(StandardCharsets.UTF_8, link)));
            links.add(path);
          } else {
            // CREATE_NEW neither follows a link in place nor replaces a file: a name twice is refused.
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
              reader.open(walk.getObjectId(0), Constants.OBJ_BLOB).copyTo(out);
            }
            if (mode == FileMode.EXECUTABLE_FILE) {
              target.toFile().setExecutable(true);
            }
          }
        } catch (FileAlreadyExistsException e) {
          throw new UnsafeEntry(path, "appears twice in the tree, or a file and a directory share its path");
        }
      }
    }
  }

  private static void checkSegments(String path) throws UnsafeEntry {
    for (String segment : path.split("/", -1)) {
      String name = segment.toLowerCase(Locale.ROOT);
      if (name.isEmpty() || name.equals(".") || name.equals("..")) {
        throw new UnsafeEntry(path, "has an empty, '.' or '..' name");
      }
      if (name.equals(".git") || name.contains("\\")) {
        throw new UnsafeEntry(path, "is Git's own directory or holds a backslash");
      }
    }
  }

  /** A path below an entry written as a symbolic link would be written wherever the link points. */
  private static void checkNotThroughLink(String path, Set<String> links) throws UnsafeEntry {
    for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
      if (links.contains(path.substring(0, slash))) {
        throw new UnsafeEntry(path, "goes through the symbolic link '" + path.substring(0, slash) + "'");
      }
    }
  }
}
