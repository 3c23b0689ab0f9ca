package io.keelson.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.model.RenderError;
import io.keelson.agent.model.Rendered;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestFilesTest {

  @TempDir
  Path root;

  @TempDir
  Path outside;

  private List<String> names(String... paths) {
    ManifestFiles.Listing listing = new ManifestFiles(1024 * 1024, 10 * 1024 * 1024).list(root, List.of(paths));
    assertThat(listing.errors()).isEmpty();
    return listing.files().stream().map(ManifestFiles.ManifestFile::name).toList();
  }

  private List<String> errors(ManifestFiles files, String... paths) {
    return files.list(root, List.of(paths)).errors().stream().map(RenderError::toString).toList();
  }

  @Test
  void findsManifestsRecursivelyInSortedOrderSkippingHiddenAndOtherFiles() {
    new Tree(root).file("b/z.yaml", "").file("b/a.yml", "").file("a.json", "").file("b/c/d.YAML", "")
        .file("README.md", "").file("b/notes.txt", "").file(".hidden.yaml", "").file(".git/config.yaml", "")
        .file("b/.secret/x.yaml", "");

    assertThat(names(".")).containsExactly("a.json", "b/a.yml", "b/c/d.YAML", "b/z.yaml");
    assertThat(names("")).containsExactly("a.json", "b/a.yml", "b/c/d.YAML", "b/z.yaml");
  }

  @Test
  void mergesConfiguredPathsInOneSortedListAndReadsAFileOnlyOnce() {
    new Tree(root).file("apps/cart.yaml", "").file("apps/shop/web.yaml", "").file("base/ns.yaml", "");

    assertThat(names("base", "apps", "apps/shop", "apps/cart.yaml"))
        .containsExactly("apps/cart.yaml", "apps/shop/web.yaml", "base/ns.yaml");
  }

  @Test
  void namesConfiguredPathsThatDoNotExistOrLeaveTheRoot() {
    new Tree(root).file("apps/cart.yaml", "").file("apps/notes.txt", "");

    assertThat(errors(new ManifestFiles(1000, 1000), "apps", "missing/dir", "../elsewhere", "apps/notes.txt"))
        .containsExactly("missing/dir: configured path does not exist",
            "../elsewhere: configured path is outside the repository",
            "apps/notes.txt: configured path is not a .yaml, .yml or .json file");
  }

  @Test
  void rejectsSymlinksLeavingTheRootAndFollowsThoseInside() throws IOException {
    new Tree(outside).file("stolen.yaml", Tree.configMap("stolen")).file("dir/other.yaml", Tree.configMap("other"));
    new Tree(root).file("shared/base.yaml", Tree.configMap("base"));
    Files.createDirectories(root.resolve("apps"));
    Files.createSymbolicLink(root.resolve("apps/stolen.yaml"), outside.resolve("stolen.yaml"));
    Files.createSymbolicLink(root.resolve("apps/dir"), outside.resolve("dir"));
    Files.createSymbolicLink(root.resolve("apps/shared"), root.resolve("shared"));
    Files.createSymbolicLink(root.resolve("apps/broken.yaml"), root.resolve("nowhere.yaml"));

    ManifestFiles.Listing listing = new ManifestFiles(1000, 1000).list(root, List.of("apps"));

    assertThat(listing.errors()).extracting(RenderError::toString).containsExactlyInAnyOrder(
        "apps/stolen.yaml: symlink points outside the repository; only links within it are followed",
        "apps/dir: symlink points outside the repository; only links within it are followed",
        "apps/broken.yaml: symlink target does not exist");
    assertThat(listing.files()).extracting(ManifestFiles.ManifestFile::name).containsExactly("apps/shared/base.yaml");
  }

  @Test
  void aConfiguredPathThatIsASymlinkOutOfTheRootIsRejected() throws IOException {
    new Tree(outside).file("x.yaml", Tree.configMap("x"));
    Files.createSymbolicLink(root.resolve("linked"), outside);

    assertThat(errors(new ManifestFiles(1000, 1000), "linked"))
        .containsExactly("linked: symlink points outside the repository; only links within it are followed");
  }

  @Test
  void symlinkCyclesEndAndEachFileIsReadOnce() throws IOException {
    new Tree(root).file("apps/cart.yaml", Tree.configMap("cart"));
    Files.createSymbolicLink(root.resolve("apps/loop"), root.resolve("apps"));
    Files.createSymbolicLink(root.resolve("apps/up"), root);

    Rendered rendered = new ManifestRenderer(RenderOptions.defaults("apps")).render(root, List.of("."), Kinds.CLUSTER);

    assertThat(rendered.errors()).isEmpty();
    assertThat(rendered.objects()).extracting(object -> object.origin().file()).containsExactly("apps/cart.yaml");
  }

  @Test
  void rejectsOversizedFilesBeforeParsingThem() {
    new Tree(root).file("big.yaml", "a: [" + "x,".repeat(100) + "]\n").file("small.yaml", "a: 1\n");

    assertThat(errors(new ManifestFiles(100, 1000), "."))
        .containsExactly("big.yaml: file is 206 bytes, over the limit of 100 bytes per file");
  }

  @Test
  void rejectsTheWholeRevisionWhenTheTotalSizeIsOverTheLimit() {
    new Tree(root).file("a.yaml", "a: 1234567\n").file("b.yaml", "b: 1234567\n").file("c.yaml", "c: 1234567\n");

    ManifestFiles.Listing listing = new ManifestFiles(100, 25).list(root, List.of("."));

    assertThat(listing.files()).isEmpty();
    assertThat(listing.errors()).extracting(RenderError::toString)
        .containsExactly("c.yaml: manifests exceed the total limit of 25 bytes at this file (33 bytes so far)");
  }

  @Test
  void oversizedFilesAreNotParsedAndNamedInTheRenderedErrors() {
    // Invalid YAML that is too large must fail on its size, proving it was never parsed.
    new Tree(root).file("big.yaml", "a: [\n" + "  x\n".repeat(300)).file("ok.yaml", Tree.configMap("ok"));

    Rendered rendered = new ManifestRenderer(RenderOptions.defaults("apps").withMaxFileBytes(1000))
        .render(root, List.of("."), Kinds.CLUSTER);

    assertThat(rendered.objects()).isEmpty();
    assertThat(rendered.errors()).extracting(RenderError::toString)
        .containsExactly("big.yaml: file is 1205 bytes, over the limit of 1000 bytes per file");
  }
}
