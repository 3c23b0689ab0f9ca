package io.keelson.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.agent.model.RenderError;
import io.keelson.agent.render.sops.SopsDecryptor;
import io.keelson.testkit.ControlPlaneTest;
import io.keelson.testkit.SopsCli;
import io.keelson.testkit.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SOPS key is read by reference when needed: mounting it fixes a rejected revision without a new commit. */
@ControlPlaneTest
class SopsSyncIT {

  @TempDir Path repo;

  @Test
  void anEncryptedSecretWaitsForItsKeyThenAppliesAtTheSameRevision(KubernetesClient client, TestNamespace ns,
      @TempDir Path work) throws Exception {
    try (SopsCli cli = SopsCli.in(work)) {
      SopsCli.AgeKey key = cli.ageKey("cluster");
      RepoTree tree = new RepoTree(repo).write("secrets/db.yaml", cli.encrypt("db.yaml",
          "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: pa55word-sentinel}\n",
          "--age", key.recipient(), "--encrypted-regex", "^stringData$"));
      Path mounted = work.resolve("mounted/keys.txt");
      SyncOptions options = SyncOptions.defaults("apps", ns.name(), ns.name()).withHealthTimeout(Duration.ZERO)
          .withSops(SopsDecryptor.withKeyFiles(mounted, null));

      try (Synchronizer sync = new Synchronizer(new ResourceManager(client, Clock.systemUTC()),
          options, Clock.systemUTC(), c -> { })) {
        Snapshot revision = tree.snapshot();
        SyncResult withoutKey = sync.sync(revision);
        Files.createDirectories(mounted.getParent());
        Files.copy(key.file(), mounted);
        SyncResult withKey = sync.sync(revision);

        assertThat(withoutKey.outcome()).isEqualTo(SyncResult.Outcome.REJECTED);
        assertThat(withoutKey.renderErrors()).extracting(RenderError::toString).singleElement()
            .asString().startsWith("secrets/db.yaml: its SOPS key cannot be loaded: " + mounted
                + ": age key file cannot be read");
        assertThat(withKey.outcome()).isEqualTo(SyncResult.Outcome.APPLIED);
        assertThat(client.secrets().inNamespace(ns.name()).withName("db").get()).isNotNull();
      }
    }
  }
}
