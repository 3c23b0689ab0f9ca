package io.keelson.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolEnvironmentTest {

  /**
   * Kustomize runs Helm itself, with the tools' empty PATH: the default {@code helm} must reach it as a path, found
   * on the agent's PATH as a shell would find it (first executable file wins).
   */
  @Test
  void aBareBinaryNameIsResolvedOnTheAgentsPathForTheToolThatRunsIt(@TempDir Path dir) throws Exception {
    Path notExecutable = Files.createDirectories(dir.resolve("first")).resolve("helm");
    Files.writeString(notExecutable, "");
    Path helm = Files.createDirectories(dir.resolve("second")).resolve("helm");
    Files.writeString(helm, "#!/bin/sh\n");
    Files.setPosixFilePermissions(helm, PosixFilePermissions.fromString("rwxr-xr-x"));
    String path = String.join(File.pathSeparator, "", dir.resolve("missing").toString(),
        dir.resolve("first").toString(), dir.resolve("second").toString());

    assertThat(ToolEnvironment.executable("helm", path)).isEqualTo(helm.toString());
    assertThat(ToolEnvironment.executable("/opt/helm/bin/helm", path)).isEqualTo("/opt/helm/bin/helm");
    assertThat(ToolEnvironment.executable("kustomize", path)).as("not found: as given").isEqualTo("kustomize");
  }
}
