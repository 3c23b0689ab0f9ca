package io.keelson.release;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Decisions stay pure: the model and the render transform never reach a client, HTTP or the agent. */
@AnalyzeClasses(packages = "io.keelson.release", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule purePackagesUseNoClientAndNoHttp = noClasses()
      .that().resideInAnyPackage("io.keelson.release.model..", "io.keelson.release.deploy..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "io.fabric8.kubernetes.client..", "java.net.http..", "io.vertx..", "okhttp3..");

  @ArchTest
  static final ArchRule theReleaseControllerDoesNotDependOnTheAgent = noClasses()
      .should().dependOnClassesThat().resideInAPackage("io.keelson.agent..");
}
