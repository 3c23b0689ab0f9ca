package io.keelson.agent.render;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Rendering reads files only: it must not reach the cluster or the network. (A chart from a configured chart
 * repository comes through the {@link ChartSource} it is given, implemented at the edge.)
 */
class RenderArchitectureTest {

  @Test
  void renderDoesNotDependOnAKubernetesOrHttpClient() {
    JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.keelson.agent.render");

    noClasses().that().resideInAPackage("io.keelson.agent.render..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.fabric8.kubernetes.client..", "java.net.http..", "okhttp3..", "io.vertx..", "java.net..")
        .check(classes);
  }
}
