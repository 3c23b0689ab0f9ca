package io.keelson.release;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Clock;
import java.time.Instant;

/**
 * Decisions stay pure: the model, the render transform, the analysis and the release strategy never reach a
 * client, HTTP or the agent; the strategy not even the wall clock. The analysis reads metrics only through
 * its {@code MetricProvider} interface.
 */
@AnalyzeClasses(packages = "io.keelson.release", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule purePackagesUseNoClientAndNoHttp = noClasses()
      .that().resideInAnyPackage("io.keelson.release.model..", "io.keelson.release.deploy..",
          "io.keelson.release.analysis..", "io.keelson.release.strategy..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "io.fabric8.kubernetes.client..", "java.net.http..", "io.vertx..", "okhttp3..",
          "io.keelson.release.prometheus..");

  @ArchTest
  static final ArchRule theStrategyReadsNoClock = noClasses()
      .that().resideInAPackage("io.keelson.release.strategy..")
      .should().callMethod(Instant.class, "now")
      .orShould().callMethod(System.class, "currentTimeMillis")
      .orShould().callMethod(System.class, "nanoTime")
      .orShould().dependOnClassesThat().areAssignableTo(Clock.class);

  @ArchTest
  static final ArchRule theReleaseControllerDoesNotDependOnTheAgent = noClasses()
      .should().dependOnClassesThat().resideInAPackage("io.keelson.agent..");
}
