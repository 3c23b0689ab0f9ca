package io.keelson.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Git's own client clones and fetches a work tree's repository through the smart HTTP server. */
class GitHttpServerIT {

  @TempDir Path dir;

  @Test
  void gitClonesAndFetchesOverSmartHttpWithBothProtocolVersions() throws IOException {
    Path repo = Files.createDirectories(dir.resolve("served/config"));
    GitCli.run(repo, "init", "--quiet", "--initial-branch=main");
    String content = "a: 1\n";
    commit(repo, "app.yaml", content);

    try (GitHttpServer server = GitHttpServer.serve(dir.resolve("served"))) {
      String url = server.url("config");
      for (String version : new String[] {"0", "2"}) {
        Path clone = dir.resolve("clone-v" + version);
        GitCli.run(dir, "-c", "protocol.version=" + version, "clone", "--quiet", url, clone.toString());
        assertThat(Files.readString(clone.resolve("app.yaml"))).isEqualTo(content);

        content = "a: " + version + "0\n";
        String head = commit(repo, "app.yaml", content);
        GitCli.run(clone, "-c", "protocol.version=" + version, "pull", "--quiet", "--ff-only");
        assertThat(GitCli.run(clone, "rev-parse", "HEAD").strip()).isEqualTo(head);
      }
      assertThat(GitCli.run(dir, "ls-remote", url)).contains("refs/heads/main");
    }
  }

  private static String commit(Path repo, String file, String content) throws IOException {
    Files.writeString(repo.resolve(file), content);
    GitCli.run(repo, "add", "-A");
    GitCli.run(repo, "-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "--quiet",
        "--no-gpg-sign", "-m", "change " + content.strip());
    return GitCli.run(repo, "rev-parse", "HEAD").strip();
  }
}
